import CCurl
import Foundation

/// The HTTP layer's one implementation: libcurl's easy interface, one handle per request, so
/// requests on different threads never share state. libcurl reaches Unix sockets
/// (`CURLOPT_UNIX_SOCKET_PATH`, the Docker Engine API), which FoundationNetworking can't.
public struct CurlHTTPClient: HTTPClient {
    /// Response headers are capped too: a server can't make us buffer more than this.
    static let maxHeaderBytes = 256 << 10

    public init() {}

    public func send(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPError> {
        // No "Expect: 100-continue" round trip on bodies.
        let headers = request.headers.sorted(by: { $0.key < $1.key }).map { "\($0.key): \($0.value)" } + ["Expect:"]
        let outcome = CurlTransfer.perform(bodyLimit: request.maxBodyBytes, headersLimit: Self.maxHeaderBytes, resolve: request.resolve,
                                           headers: headers, wantsCertificate: request.wantsCertificate) { curl in
            guard curl.set(CURLOPT_URL, request.url) else { return CURLE_URL_MALFORMAT }
            if let socket = request.unixSocket, !curl.set(CURLOPT_UNIX_SOCKET_PATH, socket) { return CURLE_FAILED_INIT }
            curl.set(CURLOPT_NOSIGNAL, 1)
            curl.set(CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
            curl.set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(request.connectTimeout, request.timeout) * 1000))
            curl.set(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
            curl.set(CURLOPT_MAXREDIRS, 5)
            // Only http(s): a redirect can't turn a request into file:// or anything else.
            curl.set(CURLOPT_PROTOCOLS_STR, "http,https")
            curl.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            curl.set(CURLOPT_MAXFILESIZE_LARGE, request.maxBodyBytes)
            curl.set(CURLOPT_ACCEPT_ENCODING, "")
            if request.wantsCertificate { curl.set(CURLOPT_CERTINFO, 1) }
            if let ca = request.caFile { curl.set(CURLOPT_CAINFO, ca) }
            if !request.verifyPeer {
                curl.set(CURLOPT_SSL_VERIFYPEER, 0)
                curl.set(CURLOPT_SSL_VERIFYHOST, 0)
            }
            curl.set(CURLOPT_USERAGENT, "selfhost/\(SelfhostVersion.current)")
            if request.method == "HEAD" {
                curl.set(CURLOPT_NOBODY, 1)
            } else if request.method != "GET" {
                curl.set(CURLOPT_CUSTOMREQUEST, request.method)
            }
            if let body = request.body {
                var bytes = [UInt8](body)
                curl.set(CURLOPT_POSTFIELDSIZE_LARGE, bytes.count)
                // COPYPOSTFIELDS copies, so the bytes need only live for this call.
                _ = bytes.withUnsafeMutableBytes { curl.set(CURLOPT_COPYPOSTFIELDS, pointer: $0.baseAddress) }
            }
            return nil
        }
        guard outcome.code == CURLE_OK else {
            return .failure(Self.error(outcome.code, message: outcome.message, osErrno: outcome.osErrno, request: request, overflowed: outcome.overflowed))
        }
        return .success(HTTPResponse(status: outcome.responseCode, headers: Self.lastHeaderBlock(outcome.rawHeaders),
                                     body: outcome.body, certificate: outcome.certificate))
    }

    static func error(_ code: CURLcode, message: String, osErrno: Int32, request: HTTPRequest, overflowed: Bool) -> HTTPError {
        let detail = message.isEmpty ? String(cString: ccurl_easy_strerror(code)) : message
        switch code {
        case CURLE_FAILED_INIT where !CurlLibrary.isLoaded:
            return .libcurlMissing(CurlLibrary.loadError ?? detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(seconds: request.timeout)
        case CURLE_WRITE_ERROR where overflowed, CURLE_FILESIZE_EXCEEDED:
            return .bodyTooLarge(limit: request.maxBodyBytes)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            if let socket = request.unixSocket {
                if osErrno == EACCES { return .permissionDenied(socket: socket) }
                if osErrno == ENOENT { return .noSocket(socket) }
            }
            return .cannotConnect(detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE:
            return .tls(detail)
        default:
            return .failed(detail)
        }
    }

    /// Header fields of the last response in the raw header stream (a redirect or `100 Continue`
    /// adds earlier blocks).
    static func lastHeaderBlock(_ raw: String) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in raw.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("HTTP/") { fields = []; continue }
            guard let colon = text.firstIndex(of: ":") else { continue }
            fields.append((String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return fields
    }

    /// OpenSSL's certificate dates: `2027-03-01 12:00:00 GMT` (libcurl ≥ 7.x with OpenSSL 3) or `Mar  1 12:00:00 2027 GMT`.
    static func parseCertDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        let squeezed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in ["yyyy-MM-dd HH:mm:ss zzz", "MMM d HH:mm:ss yyyy zzz"] {
            f.dateFormat = format
            if let d = f.date(from: squeezed) { return d }
        }
        return nil
    }
}
