import Foundation

/// The Docker Engine API over its Unix socket, through the HTTP layer. Unversioned paths: the
/// engine answers in its own current API version, and the fields read here are stable across
/// 1.41 (Engine 20.10) to today's. Every call is bounded by `timeout`.
public struct DockerEngine: Sendable {
    public var socket: String
    public var http: any HTTPClient
    public var timeout: Double

    public init(socket: String, http: any HTTPClient = CurlHTTPClient(), timeout: Double = 5) {
        self.socket = socket
        self.http = http
        self.timeout = timeout
    }

    /// The socket named by `DOCKER_HOST=unix://…`, else /var/run/docker.sock. A tcp:// DOCKER_HOST is
    /// refused with a message by `init(environment:)`.
    public static func socketPath(environment: [String: String]) -> String {
        if let host = environment["DOCKER_HOST"], host.hasPrefix("unix://") { return String(host.dropFirst("unix://".count)) }
        return "/var/run/docker.sock"
    }

    public enum Failure: Error, Equatable, Sendable {
        /// The exchange failed (no engine, permission, timeout…).
        case transport(HTTPError)
        /// The engine answered with an error status.
        case status(Int, String)
        /// The engine's answer isn't the JSON expected.
        case malformed(String)
    }

    /// GET `path` (with its query) and decode the JSON answer.
    public func get<T: Decodable>(_ path: String, as type: T.Type, timeout: Double? = nil, maxBytes: Int = 32 << 20) -> Result<T, Failure> {
        let request = HTTPRequest(url: "http://docker" + path, unixSocket: socket,
                                  timeout: timeout ?? self.timeout, connectTimeout: min(2, timeout ?? self.timeout),
                                  maxBodyBytes: maxBytes)
        switch http.send(request) {
        case .failure(let e):
            return .failure(.transport(e))
        case .success(let response):
            guard (200..<300).contains(response.status) else {
                let message = (try? JSONDecoder().decode(EngineMessage.self, from: response.body).message) ?? response.text
                return .failure(.status(response.status, message.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            do {
                return .success(try JSONDecoder().decode(T.self, from: response.body))
            } catch {
                return .failure(.malformed("\(path): \(error)"))
            }
        }
    }

    private struct EngineMessage: Decodable { var message: String }

    /// `GET /version`.
    public func version() -> Result<Version, Failure> { get("/version", as: Version.self) }

    public struct Version: Decodable, Sendable {
        public var version: String
        /// Missing from some proxies' and old engines' answers.
        public var apiVersion: String?
        enum CodingKeys: String, CodingKey { case version = "Version", apiVersion = "ApiVersion" }
    }

    /// `GET /info`: the parts status shows.
    public func info() -> Result<Info, Failure> { get("/info", as: Info.self) }

    public struct Info: Decodable, Sendable {
        public var dockerRootDir: String
        public var swarm: Swarm?
        public struct Swarm: Decodable, Sendable {
            public var localNodeState: String?
            public var controlAvailable: Bool?
            enum CodingKeys: String, CodingKey { case localNodeState = "LocalNodeState", controlAvailable = "ControlAvailable" }
        }
        enum CodingKeys: String, CodingKey { case dockerRootDir = "DockerRootDir", swarm = "Swarm" }
    }

    /// What a failure means for a person, with the fix: engine missing, permission, timeout.
    public func explain(_ failure: Failure) -> (message: String, remedy: String) {
        switch failure {
        case .transport(.noSocket(let path)):
            return ("no Docker Engine socket at \(path)",
                    "start the engine (`sudo systemctl start docker`), or set DOCKER_HOST=unix:///path/to/docker.sock")
        case .transport(.permissionDenied(let path)):
            return ("permission denied on \(path)",
                    "run with sudo, or add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again)")
        case .transport(.cannotConnect(let m)):
            return ("the Docker Engine at \(socket) does not accept connections (\(m))",
                    "the engine may be stopping or crashed: `sudo systemctl status docker`")
        case .transport(.timedOut(let s)):
            return ("the Docker Engine at \(socket) did not answer within \(Int(s.rounded(.up))) s",
                    "the engine may be overloaded or hung: `sudo systemctl status docker`, `journalctl -u docker`")
        case .transport(.libcurlMissing(let why)):
            return ("libcurl4 is not installed (\(why)), so the Docker Engine API can't be reached", CurlLibrary.remedy)
        case .transport(let e):
            return ("the Docker Engine API failed: \(e.message)", "check `docker info`")
        case .status(let code, let message):
            return ("the Docker Engine answered \(code): \(message)", "check `docker info` and the engine's log")
        case .malformed(let m):
            return ("the Docker Engine's answer could not be read: \(m)", "check that \(socket) is a Docker Engine API socket")
        }
    }
}
