import CCurl
import Foundation

/// The HTTP layer's one implementation: libcurl's easy interface, one handle per request, so
/// requests on different threads never share state. libcurl reaches Unix sockets
/// (`CURLOPT_UNIX_SOCKET_PATH`, the Docker Engine API), which FoundationNetworking can't.
public struct CurlHTTPClient: HTTPClient {
    /// Response headers are capped too: a server can't make us buffer more than this.
    static let maxHeaderBytes = 256 << 10

    private static let initialized: Bool = { ccurl_global_init() == CURLE_OK }()

    public init() {}

    public func send(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPError> {
        guard Self.initialized, let handle = curl_easy_init() else { return .failure(.failed("libcurl could not start")) }
        defer { curl_easy_cleanup(handle) }
        var buffers = ccurl_buffers()
        buffers.body_limit = max(0, request.maxBodyBytes)
        buffers.headers_limit = Self.maxHeaderBytes
        defer { ccurl_buffers_free(&buffers) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        var resolveList: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_slist_free_all(headerList)
            curl_slist_free_all(resolveList)
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorBuf in
            func set(_ option: CURLoption, _ value: Int) -> Bool { ccurl_setopt_long(handle, option, value) == CURLE_OK }
            func set(_ option: CURLoption, _ value: String) -> Bool { ccurl_setopt_string(handle, option, value) == CURLE_OK }
            guard set(CURLOPT_URL, request.url) else { return CURLE_URL_MALFORMAT }
            if let socket = request.unixSocket, !set(CURLOPT_UNIX_SOCKET_PATH, socket) { return CURLE_FAILED_INIT }
            _ = set(CURLOPT_NOSIGNAL, 1)
            _ = set(CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
            _ = set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(request.connectTimeout, request.timeout) * 1000))
            _ = set(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
            _ = set(CURLOPT_MAXREDIRS, 5)
            // Only http(s): a redirect can't turn a request into file:// or anything else.
            _ = set(CURLOPT_PROTOCOLS_STR, "http,https")
            _ = set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            _ = set(CURLOPT_MAXFILESIZE_LARGE, request.maxBodyBytes)
            _ = set(CURLOPT_ACCEPT_ENCODING, "")
            if request.wantsCertificate { _ = set(CURLOPT_CERTINFO, 1) }
            if let ca = request.caFile { _ = set(CURLOPT_CAINFO, ca) }
            if !request.verifyPeer {
                _ = set(CURLOPT_SSL_VERIFYPEER, 0)
                _ = set(CURLOPT_SSL_VERIFYHOST, 0)
            }
            _ = set(CURLOPT_USERAGENT, "selfhost/\(SelfhostVersion.current)")
            if request.method == "HEAD" {
                _ = set(CURLOPT_NOBODY, 1)
            } else if request.method != "GET" {
                _ = set(CURLOPT_CUSTOMREQUEST, request.method)
            }
            for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
                headerList = curl_slist_append(headerList, "\(name): \(value)")
            }
            // No "Expect: 100-continue" round trip on bodies.
            headerList = curl_slist_append(headerList, "Expect:")
            _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
            for pin in request.resolve { resolveList = curl_slist_append(resolveList, pin) }
            if resolveList != nil { _ = ccurl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList) }
            _ = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuf.baseAddress)
            _ = ccurl_capture(handle, &buffers)

            if let body = request.body {
                var bytes = [UInt8](body)
                _ = set(CURLOPT_POSTFIELDSIZE_LARGE, bytes.count)
                // COPYPOSTFIELDS copies, so the bytes need only live for this call.
                _ = bytes.withUnsafeMutableBytes { ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
            return curl_easy_perform(handle)
        }
        let curlMessage = String(cString: errorBuffer)

        guard code == CURLE_OK else {
            var osErrno = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
            return .failure(Self.error(code, message: curlMessage, osErrno: Int32(osErrno), request: request, overflowed: buffers.overflowed != 0))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let body = buffers.body.map { Data(bytes: $0, count: buffers.body_len) } ?? Data()
        let rawHeaders = buffers.headers.map { String(decoding: Data(bytes: $0, count: buffers.headers_len), as: UTF8.self) } ?? ""
        var certificate: HTTPCertificate?
        if request.wantsCertificate { certificate = Self.certificate(handle) }
        return .success(HTTPResponse(status: status, headers: Self.lastHeaderBlock(rawHeaders), body: body, certificate: certificate))
    }

    static func error(_ code: CURLcode, message: String, osErrno: Int32, request: HTTPRequest, overflowed: Bool) -> HTTPError {
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        switch code {
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

    static func certificate(_ handle: UnsafeMutableRawPointer) -> HTTPCertificate? {
        func field(_ name: String) -> String? {
            guard let raw = ccurl_first_cert_field(handle, name) else { return nil }
            defer { free(raw) }
            return String(cString: raw)
        }
        guard let subject = field("Subject") else { return nil }
        let expiry = field("Expire date")
        let names = (field("X509v3 Subject Alternative Name") ?? "")
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .compactMap { $0.hasPrefix("DNS:") ? String($0.dropFirst(4)) : nil }
        return HTTPCertificate(subject: subject, issuer: field("Issuer") ?? "", expires: expiry.flatMap(parseCertDate), dnsNames: names)
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
