// swift-tools-version: 6.0
// libFuzzer targets for selfhost's parsers, kept out of the main package so that `swift build`
// never builds them. Build and run with scripts/fuzz.sh (it links the repository in as
// .build-fuzz/src/selfhost, so this package finds it whatever the checkout is called).
import PackageDescription

let package = Package(
    name: "selfhost-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: "../.build-fuzz/src/selfhost"),
    ],
    targets: [
        .executableTarget(
            name: "selfhost-fuzz",
            dependencies: [.product(name: "SelfhostKit", package: "selfhost")],
            path: "Sources/selfhost-fuzz"
        ),
    ],
    swiftLanguageModes: [.v6]
)
