// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "selfhost",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "selfhost", targets: ["selfhost"]),
        .library(name: "SelfhostKit", targets: ["SelfhostKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // Thin command-line front end: parses flags, calls SelfhostKit.
        .executableTarget(
            name: "selfhost",
            dependencies: [
                "SelfhostKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // All logic lives here.
        .target(
            name: "SelfhostKit",
            dependencies: [
                "CResolv",
                "CCurl",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            plugins: ["EmbedResources"]
        ),
        // glibc's libresolv, for DNS queries sent to a chosen resolver.
        .target(
            name: "CResolv",
            linkerSettings: [.linkedLibrary("resolv")]
        ),
        // libcurl (libcurl4-openssl-dev headers at build time): the HTTP layer, TCP and Unix sockets
        // (the Docker Engine API). Typed wrappers because curl_easy_setopt is variadic. Not linked:
        // dlopen()ed on first use (glibc >= 2.34 has dlopen in libc), so start-up doesn't map it.
        .target(name: "CCurl"),
        // Build-time tool: turns catalog/ and templates/ into Swift string literals,
        // so the binary carries its data and works when copied anywhere.
        .executableTarget(
            name: "EmbedResourcesTool",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .plugin(
            name: "EmbedResources",
            capability: .buildTool(),
            dependencies: ["EmbedResourcesTool"]
        ),
        .testTarget(
            name: "SelfhostKitTests",
            dependencies: ["SelfhostKit", "selfhost"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
