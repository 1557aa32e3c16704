import CCurl
import Foundation

/// How an SMTP STARTTLS attempt ended.
public enum SMTPProbeResult: Sendable, Equatable {
    /// STARTTLS accepted and the TLS handshake done; `verifyError` is set when the certificate
    /// did not verify for the host (then `certificate` was read on a second, unverified attempt).
    case tls(certificate: HTTPCertificate?, verifyError: String?)
    /// The server answered but does not offer (or refused) STARTTLS.
    case noSTARTTLS(String)
    case refused(String)
    case timeout
    case failed(String)
}

/// Connects to a mail server and asks for STARTTLS. Injected so tests reach only loopback.
public protocol SMTPProber: Sendable {
    /// `host` is the MX name (for the TLS name check); the connection goes to `ip:port`.
    func probe(host: String, ip: IPAddress, port: Int, timeout: Double, caFile: String?) -> SMTPProbeResult
}

/// libcurl's SMTP client: greeting, EHLO, STARTTLS, the TLS handshake with the certificate
/// verified for the MX host name, then HELP and QUIT — no mail is sent.
public struct CurlSMTPProber: SMTPProber {
    private static let initialized: Bool = { ccurl_global_init() == CURLE_OK }()

    public init() {}

    public func probe(host: String, ip: IPAddress, port: Int, timeout: Double, caFile: String?) -> SMTPProbeResult {
        let first = attempt(host: host, ip: ip, port: port, timeout: timeout, caFile: caFile, verify: true)
        switch first.code {
        case CURLE_OK:
            return .tls(certificate: first.certificate, verifyError: nil)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            // Describe the certificate that failed: connect again without verifying.
            let again = attempt(host: host, ip: ip, port: port, timeout: timeout, caFile: caFile, verify: false)
            return .tls(certificate: again.certificate, verifyError: first.message)
        case CURLE_USE_SSL_FAILED:
            return .noSTARTTLS(first.message)
        case CURLE_COULDNT_CONNECT:
            return .refused(first.message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        default:
            return .failed(first.message)
        }
    }

    private func attempt(host: String, ip: IPAddress, port: Int, timeout: Double, caFile: String?, verify: Bool)
        -> (code: CURLcode, message: String, certificate: HTTPCertificate?) {
        guard Self.initialized, let handle = curl_easy_init() else { return (CURLE_FAILED_INIT, "libcurl could not start", nil) }
        defer { curl_easy_cleanup(handle) }
        var buffers = ccurl_buffers()
        buffers.body_limit = 64 << 10
        buffers.headers_limit = 64 << 10
        defer { ccurl_buffers_free(&buffers) }
        var resolveList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(resolveList) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let address = ip.family == .v6 ? "[\(ip.text)]" : ip.text
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorBuf in
            func set(_ option: CURLoption, _ value: Int) { _ = ccurl_setopt_long(handle, option, value) }
            func set(_ option: CURLoption, _ value: String) { _ = ccurl_setopt_string(handle, option, value) }
            set(CURLOPT_URL, "smtp://\(host):\(port)")
            set(CURLOPT_PROTOCOLS_STR, "smtp")
            set(CURLOPT_NOSIGNAL, 1)
            set(CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
            set(CURLOPT_CONNECTTIMEOUT_MS, Int(timeout * 1000))
            // STARTTLS or fail: CURLUSESSL_ALL.
            set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
            set(CURLOPT_CERTINFO, 1)
            if let caFile { set(CURLOPT_CAINFO, caFile) }
            if !verify {
                set(CURLOPT_SSL_VERIFYPEER, 0)
                set(CURLOPT_SSL_VERIFYHOST, 0)
            }
            resolveList = curl_slist_append(resolveList, "\(host):\(port):\(address)")
            _ = ccurl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList)
            _ = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuf.baseAddress)
            _ = ccurl_capture(handle, &buffers)
            return curl_easy_perform(handle)
        }
        let message = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        // The certificate is known once the handshake happened, whatever came after it.
        return (code, detail, CurlHTTPClient.certificate(handle))
    }
}
