import CCurl
import Foundation

/// One libcurl easy transfer, start to end: the handle, capped body and header capture, the error
/// buffer, `HOST:PORT:ADDRESS` pins, and what came back. The HTTP client and preflight's SMTP
/// probe both go through it, so libcurl is set up, bounded and cleaned up in one place.
struct CurlTransfer {
    /// How a transfer ended.
    struct Outcome {
        var code: CURLcode
        /// libcurl's error buffer, else its text for `code`.
        var message: String
        /// `CURLINFO_OS_ERRNO` when the transfer failed.
        var osErrno: Int32
        /// A capture limit was reached.
        var overflowed: Bool
        var responseCode: Int
        var body: Data
        var rawHeaders: String
        /// The peer's first certificate, when `CURLOPT_CERTINFO` was on and a handshake happened.
        var certificate: HTTPCertificate?
    }

    /// Typed setters over the handle, for `perform`'s `configure`.
    struct Options {
        fileprivate let handle: UnsafeMutableRawPointer
        @discardableResult func set(_ option: CURLoption, _ value: Int) -> Bool { ccurl_setopt_long(handle, option, value) == CURLE_OK }
        @discardableResult func set(_ option: CURLoption, _ value: String) -> Bool { ccurl_setopt_string(handle, option, value) == CURLE_OK }
        @discardableResult func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) -> Bool { ccurl_setopt_pointer(handle, option, pointer) == CURLE_OK }
        @discardableResult func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) -> Bool { ccurl_setopt_slist(handle, option, list) == CURLE_OK }
    }

    private static let initialized: Bool = { ccurl_global_init() == CURLE_OK }()

    /// Runs one transfer. `configure` sets the options (URL, protocols, timeouts…) and returns a
    /// code to stop before performing (e.g. a malformed URL), nil to go on. `resolve` pins are
    /// applied after it; `headers` lines, when given, become `CURLOPT_HTTPHEADER`.
    static func perform(bodyLimit: Int, headersLimit: Int, resolve: [String] = [], headers: [String]? = nil,
                        wantsCertificate: Bool = false, configure: (Options) -> CURLcode?) -> Outcome {
        guard initialized, let handle = ccurl_easy_init() else {
            return Outcome(code: CURLE_FAILED_INIT, message: CurlLibrary.loadFailure ?? "libcurl could not start", osErrno: 0, overflowed: false,
                           responseCode: 0, body: Data(), rawHeaders: "", certificate: nil)
        }
        defer { ccurl_easy_cleanup(handle) }
        var buffers = ccurl_buffers()
        buffers.body_limit = max(0, bodyLimit)
        buffers.headers_limit = max(0, headersLimit)
        defer { ccurl_buffers_free(&buffers) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        var resolveList: UnsafeMutablePointer<curl_slist>?
        defer {
            ccurl_slist_free_all(headerList)
            ccurl_slist_free_all(resolveList)
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let options = Options(handle: handle)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorBuf in
            if let stop = configure(options) { return stop }
            if let headers {
                for line in headers { headerList = ccurl_slist_append(headerList, line) }
                options.set(CURLOPT_HTTPHEADER, list: headerList)
            }
            for pin in resolve { resolveList = ccurl_slist_append(resolveList, pin) }
            if resolveList != nil { options.set(CURLOPT_RESOLVE, list: resolveList) }
            options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuf.baseAddress))
            _ = ccurl_capture(handle, &buffers)
            return ccurl_easy_perform(handle)
        }
        let buffered = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var osErrno = 0
        if code != CURLE_OK { _ = ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno) }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Outcome(
            code: code, message: buffered.isEmpty && code != CURLE_OK ? String(cString: ccurl_easy_strerror(code)) : buffered,
            osErrno: Int32(osErrno), overflowed: buffers.overflowed != 0, responseCode: status,
            body: buffers.body.map { Data(bytes: $0, count: buffers.body_len) } ?? Data(),
            rawHeaders: buffers.headers.map { String(decoding: Data(bytes: $0, count: buffers.headers_len), as: UTF8.self) } ?? "",
            certificate: wantsCertificate ? certificate(handle) : nil)
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
        return HTTPCertificate(subject: subject, issuer: field("Issuer") ?? "", expires: expiry.flatMap(CurlHTTPClient.parseCertDate), dnsNames: names)
    }
}
