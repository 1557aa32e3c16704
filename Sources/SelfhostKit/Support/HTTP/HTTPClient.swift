import Foundation

/// One HTTP exchange, described as a value: where it goes (TCP or a Unix socket), what it sends,
/// and the bounds it must keep (a deadline for the whole exchange and a cap on the body).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The URL. Over a Unix socket its host is only the `Host:` header (`http://docker/version`).
    public var url: String
    /// When set, the connection goes to this Unix stream socket instead of the URL's host.
    public var unixSocket: String?
    public var headers: [String: String]
    public var body: Data?
    /// Seconds for the whole exchange, connection included.
    public var timeout: Double
    public var connectTimeout: Double
    /// Bytes of body accepted; a larger body ends the exchange with `.bodyTooLarge`.
    public var maxBodyBytes: Int
    public var followRedirects: Bool
    /// PEM bundle of trusted CAs (nil: the system's).
    public var caFile: String?
    /// curl's `HOST:PORT:ADDRESS` pins: connect there whatever DNS says (live checks, tests).
    public var resolve: [String]
    /// Collect the peer certificate's subject, issuer, expiry and names (HTTPS only).
    public var wantsCertificate: Bool
    /// Verify the peer's certificate and name (default). Off only to describe a certificate
    /// that failed verification (preflight's `--live`); the exchange is then not trusted.
    public var verifyPeer: Bool

    public init(method: String = "GET", url: String, unixSocket: String? = nil, headers: [String: String] = [:],
                body: Data? = nil, timeout: Double = 10, connectTimeout: Double = 5,
                maxBodyBytes: Int = 8 << 20, followRedirects: Bool = false, caFile: String? = nil,
                resolve: [String] = [], wantsCertificate: Bool = false, verifyPeer: Bool = true) {
        self.method = method
        self.url = url
        self.unixSocket = unixSocket
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
        self.followRedirects = followRedirects
        self.caFile = caFile
        self.resolve = resolve
        self.wantsCertificate = wantsCertificate
        self.verifyPeer = verifyPeer
    }
}

/// The peer certificate of an HTTPS exchange, as libcurl reports it.
public struct HTTPCertificate: Sendable, Equatable {
    public var subject: String
    public var issuer: String
    /// "Expire date" as OpenSSL prints it (`Mar  1 12:00:00 2027 GMT`), and parsed.
    public var expires: Date?
    /// DNS names of the subject-alternative-name extension.
    public var dnsNames: [String]
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// The final response's header fields, in order (names as sent).
    public var headers: [(name: String, value: String)]
    public var body: Data
    public var certificate: HTTPCertificate?

    /// The first value of a header field, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why an exchange failed, as a value the caller turns into a message with a fix.
public enum HTTPError: Error, Equatable, Sendable {
    case timedOut(seconds: Double)
    /// Nothing listens (refused) or the host can't be reached.
    case cannotConnect(String)
    /// The Unix socket exists but this user may not open it.
    case permissionDenied(socket: String)
    /// No Unix socket at that path.
    case noSocket(String)
    case bodyTooLarge(limit: Int)
    case tls(String)
    case invalidURL(String)
    case failed(String)
    /// libcurl.so.4 could not be loaded (dlopen's reason): the HTTP layer can't work at all.
    case libcurlMissing(String)

    public var message: String {
        switch self {
        case .timedOut(let s): return "no answer within \(s.formatted(.number.precision(.fractionLength(0...1)))) s"
        case .cannotConnect(let m): return "cannot connect: \(m)"
        case .permissionDenied(let path): return "permission denied on \(path)"
        case .noSocket(let path): return "no socket at \(path)"
        case .bodyTooLarge(let limit): return "the answer is larger than \(HumanBytes.format(Int64(limit)))"
        case .tls(let m): return "TLS: \(m)"
        case .invalidURL(let m): return "invalid URL: \(m)"
        case .failed(let m): return m
        case .libcurlMissing(let why): return CurlLibrary.missingMessage(why)
        }
    }
}

/// Sends HTTP requests. Injected (through `Context.http`) so tests and commands share one path.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPError>
}
