import Foundation

/// Reads an image's tags from its registry (the OCI distribution API, `GET /v2/<repo>/tags/list`),
/// through the HTTP layer. Anonymous: the registry's `401` names a token service
/// (`WWW-Authenticate: Bearer realm=…,service=…,scope=…`), which hands out a pull token — the
/// same dance for Docker Hub, GHCR and the others. Pages (`Link: <…>; rel="next"`) are followed
/// up to a budget; a rate limit (429) or a timeout is an answer of its own, never a hang.
public struct RegistryClient: Sendable {
    public var http: any HTTPClient
    public var timeout: Double
    /// Pages of tags read at most (Docker Hub's postgres has thousands of tags).
    public var maxPages: Int
    /// Where each registry is reached: `https://<host>` unless overridden (tests: a loopback server).
    public var endpoints: [String: String]

    public init(http: any HTTPClient = CurlHTTPClient(), timeout: Double = 10, maxPages: Int = 20, endpoints: [String: String] = [:]) {
        self.http = http
        self.timeout = timeout
        self.maxPages = maxPages
        self.endpoints = endpoints
    }

    public enum Failure: Error, Equatable, Sendable {
        case rateLimited(retryAfter: String?)
        case notFound
        case unauthorized(String)
        case transport(HTTPError)
        case unexpected(Int)
        case malformed(String)

        public var message: String {
            switch self {
            case .rateLimited(let after): return "rate limited by the registry" + (after.map { " (retry after \($0) s)" } ?? "")
            case .notFound: return "the registry has no such repository"
            case .unauthorized(let m): return "the registry refused an anonymous token: \(m)"
            case .transport(let e): return e.message
            case .unexpected(let code): return "the registry answered HTTP \(code)"
            case .malformed(let m): return "the registry's answer could not be read: \(m)"
            }
        }
    }

    private struct TagList: Decodable { var tags: [String]? }
    private struct Token: Decodable { var token: String?; var access_token: String? }

    public func tags(_ image: RegistryImage) -> Result<(tags: [String], complete: Bool), Failure> {
        let base = endpoints[image.registry] ?? "https://\(image.registry)"
        var next: String? = "\(base)/v2/\(image.repository)/tags/list?n=1000"
        var token: String?
        var tags: [String] = []
        var pages = 0
        while let url = next {
            if pages == maxPages { return .success((tags, false)) }
            var request = HTTPRequest(url: url, timeout: timeout, maxBodyBytes: 4 << 20)
            if let token { request.headers["Authorization"] = "Bearer \(token)" }
            let response: HTTPResponse
            switch http.send(request) {
            case .failure(let e): return .failure(.transport(e))
            case .success(let r): response = r
            }
            switch response.status {
            case 200:
                guard let list = try? JSONDecoder().decode(TagList.self, from: response.body) else {
                    return .failure(.malformed("tags/list is not {\"tags\": [...]}"))
                }
                tags += list.tags ?? []
                pages += 1
                next = response.header("Link").flatMap { Self.nextLink($0, base: base) }
            case 401 where token == nil:
                guard let challenge = response.header("WWW-Authenticate"), let t = fetchToken(challenge, repository: image.repository) else {
                    return .failure(.unauthorized(response.header("WWW-Authenticate") ?? "no WWW-Authenticate challenge"))
                }
                switch t {
                case .success(let value): token = value
                case .failure(let f): return .failure(f)
                }
            case 401, 403: return .failure(.unauthorized("HTTP \(response.status)"))
            case 404: return .failure(.notFound)
            case 429: return .failure(.rateLimited(retryAfter: response.header("Retry-After")))
            default: return .failure(.unexpected(response.status))
            }
        }
        return .success((tags, true))
    }

    /// Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/postgres:pull"
    func fetchToken(_ challenge: String, repository: String) -> Result<String, Failure>? {
        guard challenge.lowercased().hasPrefix("bearer ") else { return nil }
        let params = Self.challengeParameters(String(challenge.dropFirst("bearer ".count)))
        guard let realm = params["realm"], realm.hasPrefix("https://") || realm.hasPrefix("http://") else { return nil }
        var query: [String] = []
        if let service = params["service"] { query.append("service=\(Self.escape(service))") }
        query.append("scope=\(Self.escape(params["scope"] ?? "repository:\(repository):pull"))")
        let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
        switch http.send(HTTPRequest(url: url, timeout: timeout, maxBodyBytes: 1 << 20)) {
        case .failure(let e): return .failure(.transport(e))
        case .success(let r):
            if r.status == 429 { return .failure(.rateLimited(retryAfter: r.header("Retry-After"))) }
            guard r.status == 200, let t = try? JSONDecoder().decode(Token.self, from: r.body), let value = t.token ?? t.access_token else {
                return .failure(.unauthorized("token service answered HTTP \(r.status)"))
            }
            return .success(value)
        }
    }

    static func challengeParameters(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        var rest = Substring(text)
        while let eq = rest.firstIndex(of: "=") {
            let key = rest[..<eq].trimmingCharacters(in: CharacterSet(charactersIn: " ,")).lowercased()
            rest = rest[rest.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else { break }
                value = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            out[key] = value
        }
        return out
    }

    /// `</v2/x/tags/list?last=a&n=1000>; rel="next"` → an absolute URL on the same registry.
    static func nextLink(_ header: String, base: String) -> String? {
        guard header.contains("rel=\"next\""), let open = header.firstIndex(of: "<"), let close = header.firstIndex(of: ">"), open < close else { return nil }
        let target = String(header[header.index(after: open)..<close])
        if target.hasPrefix("/") { return base + target }
        // Only links on the same registry are followed.
        return target.hasPrefix(base + "/") ? target : nil
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:/"))) ?? s
    }
}
