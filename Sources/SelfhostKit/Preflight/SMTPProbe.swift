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
/// verified for the MX host name, then HELP and QUIT — no mail is sent. The transfer goes through
/// the HTTP layer's `CurlTransfer`, as every libcurl exchange does.
public struct CurlSMTPProber: SMTPProber {
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
        let address = ip.family == .v6 ? "[\(ip.text)]" : ip.text
        // The certificate is known once the handshake happened, whatever came after it.
        let outcome = CurlTransfer.perform(bodyLimit: 64 << 10, headersLimit: 64 << 10, resolve: ["\(host):\(port):\(address)"],
                                           wantsCertificate: true) { curl in
            curl.set(CURLOPT_URL, "smtp://\(host):\(port)")
            curl.set(CURLOPT_PROTOCOLS_STR, "smtp")
            curl.set(CURLOPT_NOSIGNAL, 1)
            curl.set(CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
            curl.set(CURLOPT_CONNECTTIMEOUT_MS, Int(timeout * 1000))
            // STARTTLS or fail: CURLUSESSL_ALL.
            curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
            curl.set(CURLOPT_CERTINFO, 1)
            if let caFile { curl.set(CURLOPT_CAINFO, caFile) }
            if !verify {
                curl.set(CURLOPT_SSL_VERIFYPEER, 0)
                curl.set(CURLOPT_SSL_VERIFYHOST, 0)
            }
            return nil
        }
        return (outcome.code, outcome.message, outcome.certificate)
    }
}
