import Foundation
import Testing
@testable import SelfhostKit

/// libcurl is dlopen()ed on first use, not linked: when it can't be loaded the HTTP layer says so,
/// with the package to install, and nothing crashes.
@Suite("libcurl loaded on first use")
struct CurlLibraryTests {
    @Test func theRealLibraryLoads() {
        #expect(CurlLibrary.check("libcurl.so.4") == nil)
        #expect(CurlLibrary.isLoaded && CurlLibrary.loadFailure == nil)
    }

    @Test func aMissingLibraryGivesTheRemedy() throws {
        let message = try #require(CurlLibrary.check("libselfhost-no-such-curl.so.4"))
        #expect(message.hasPrefix("libcurl4 is not installed (libselfhost-no-such-curl.so.4: cannot open shared object file"))
        #expect(message.hasSuffix("): apt-get install libcurl4"))
    }

    @Test func aLibraryWithoutLibcurlsFunctionsIsRefused() throws {
        // libresolv exists on every glibc system but has none of libcurl's symbols.
        let message = try #require(CurlLibrary.check("libresolv.so.2"))
        #expect(message.contains("curl_global_init"))
        #expect(message.hasSuffix("apt-get install libcurl4"))
    }

    @Test func theHTTPAndDockerErrorsCarryTheRemedy() {
        let error = HTTPError.libcurlMissing("libcurl.so.4: cannot open shared object file")
        #expect(error.message == "libcurl4 is not installed (libcurl.so.4: cannot open shared object file): apt-get install libcurl4")
        let explained = DockerEngine(socket: "/run/docker.sock").explain(.transport(error))
        #expect(explained.message.hasPrefix("libcurl4 is not installed"))
        #expect(explained.remedy == "apt-get install libcurl4")
    }

    /// The binary without libcurl (SELFHOST_LIBCURL names a library that doesn't exist): a command that
    /// needs the Docker Engine API fails with the message and the remedy, and one that doesn't runs.
    @Test func theBinaryWithoutLibcurl() throws {
        let env = ["SELFHOST_LIBCURL": "libselfhost-no-such-curl.so.4", "DOCKER_HOST": "unix:///nonexistent/docker.sock"]
        let status = try TestSupport.run(["status"], env: env)
        #expect(status.status == 1, "\(status.stdout)\(status.stderr)")
        #expect(status.stderr.contains("libcurl4 is not installed (libselfhost-no-such-curl.so.4"))
        #expect(status.stderr.contains("apt-get install libcurl4"))
        let recommend = try TestSupport.run(["recommend", "mailchimp"], env: env)
        #expect(recommend.status == 0 && !recommend.stdout.isEmpty)
    }
}
