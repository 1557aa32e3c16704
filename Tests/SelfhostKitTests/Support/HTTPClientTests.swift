import Foundation
import Testing
@testable import SelfhostKit

/// The libcurl HTTP layer against a real server on loopback, over TCP and a Unix socket.
@Suite("HTTP layer (libcurl)")
struct HTTPClientTests {
    let client = CurlHTTPClient()

    @Test func getOverTCP() throws {
        let server = try LoopbackHTTPServer()
        let response = try client.send(server.request("/ok")).get()
        #expect(response.status == 200)
        #expect(response.text == "hello")
        #expect(response.header("x-test") == "yes")
    }

    @Test func getOverUnixSocket() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString.prefix(8)).sock").path
        defer { unlink(path) }
        let server = try LoopbackHTTPServer(unixSocket: path)
        let response = try client.send(server.request("/json")).get()
        #expect(response.status == 200)
        let engine = DockerEngine(socket: path, http: client)
        // The Docker client decodes the same answer as an engine's /version.
        let version = try engine.get("/json", as: DockerEngine.Version.self).get()
        #expect(version.version == "99.0.0")
        #expect(version.apiVersion == "1.99")
        // An error status carries the engine's message.
        #expect(engine.get("/status/404", as: DockerEngine.Version.self).failure == .status(404, "no such thing"))
        #expect(engine.get("/ok", as: DockerEngine.Version.self).failure.map { if case .malformed = $0 { true } else { false } } == true)
    }

    @Test func postSendsBodyAndHeaders() throws {
        let server = try LoopbackHTTPServer()
        var request = server.request("/echo")
        request.method = "POST"
        request.body = Data("{\"a\":1}".utf8)
        request.headers = ["Content-Type": "application/json", "X-Token": "t0k"]
        let echoed = try JSONSerialization.jsonObject(with: client.send(request).get().body) as? [String: Any]
        #expect(echoed?["method"] as? String == "POST")
        #expect(echoed?["body"] as? String == "{\"a\":1}")
        let headers = echoed?["headers"] as? [String: String]
        #expect(headers?["x-token"] == "t0k")
        #expect(headers?["expect"] == nil)
    }

    @Test func errorStatusIsAResponseNotAFailure() throws {
        let server = try LoopbackHTTPServer()
        #expect(try client.send(server.request("/status/503")).get().status == 503)
    }

    @Test func timeoutEndsTheExchange() throws {
        let server = try LoopbackHTTPServer()
        let started = Date()
        let result = client.send(server.request("/slow/5", timeout: 0.5))
        #expect(result.failure == .timedOut(seconds: 0.5))
        #expect(Date().timeIntervalSince(started) < 4, "bounded by the timeout, not the server")
    }

    @Test func stalledBodyTimesOut() throws {
        let server = try LoopbackHTTPServer()
        let result = client.send(server.request("/drip", timeout: 0.5))
        #expect(result.failure == .timedOut(seconds: 0.5))
    }

    @Test func oversizeBodyIsRefused() throws {
        let server = try LoopbackHTTPServer()
        #expect(try client.send(server.request("/big/1000", maxBodyBytes: 1000)).get().body.count == 1000)
        #expect(client.send(server.request("/big/1001", maxBodyBytes: 1000)).failure == .bodyTooLarge(limit: 1000))
        #expect(client.send(server.request("/big/5000000", maxBodyBytes: 1000)).failure == .bodyTooLarge(limit: 1000))
    }

    @Test func redirectsOnlyWhenAsked() throws {
        let server = try LoopbackHTTPServer()
        let plain = try client.send(server.request("/redirect")).get()
        #expect(plain.status == 302)
        #expect(plain.header("Location") == "/ok")
        var follow = server.request("/redirect")
        follow.followRedirects = true
        let followed = try client.send(follow).get()
        #expect(followed.status == 200)
        #expect(followed.header("X-Test") == "yes", "headers are the final response's")
    }

    @Test func refusedConnection() throws {
        // Port 1 on loopback: nothing listens there.
        let result = client.send(HTTPRequest(url: "http://127.0.0.1:1/", timeout: 2))
        guard case .cannotConnect = result.failure else {
            Issue.record("expected cannotConnect, got \(String(describing: result.failure))")
            return
        }
    }

    @Test func unixSocketErrors() throws {
        let dir = try TestSupport.tempDirectory("http-sock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("none.sock").path
        #expect(client.send(HTTPRequest(url: "http://docker/version", unixSocket: missing)).failure == .noSocket(missing))
        // A socket nobody listens on any more: connection refused.
        let stale = dir.appendingPathComponent("stale.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in stale.utf8.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        guard case .cannotConnect = client.send(HTTPRequest(url: "http://docker/version", unixSocket: stale)).failure else {
            Issue.record("a socket without a listener is a refused connection")
            return
        }
        let engine = DockerEngine(socket: missing, http: client)
        let explained = engine.explain(.transport(.noSocket(missing)))
        #expect(explained.message.contains(missing))
        #expect(explained.remedy.contains("systemctl start docker"))
        #expect(engine.explain(.transport(.permissionDenied(socket: missing))).remedy.contains("docker group"))
    }

    @Test func onlyHTTPSchemes() throws {
        let result = client.send(HTTPRequest(url: "file:///etc/passwd"))
        #expect(result.failure != nil, "file:// is not fetched")
    }

    @Test func headerBlockOfTheLastResponse() {
        let raw = "HTTP/1.1 302 Found\r\nLocation: /a\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A: b: c\r\n\r\n"
        let fields = CurlHTTPClient.lastHeaderBlock(raw)
        #expect(fields.map(\.name) == ["Content-Type", "X-A"])
        #expect(fields.last?.value == "b: c")
    }

    @Test func certificateDates() {
        let d1 = CurlHTTPClient.parseCertDate("Mar  1 12:00:00 2027 GMT")
        let d2 = CurlHTTPClient.parseCertDate("2027-03-01 12:00:00 GMT")
        #expect(d1 != nil)
        #expect(d1 == d2)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
