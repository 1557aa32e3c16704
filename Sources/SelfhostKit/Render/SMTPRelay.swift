import Foundation

/// The box's one SMTP relay (`render --smtp PROVIDER`): where every app sends its mail, with the
/// credentials given once. Each app gets it in the variables it reads (catalog `smtp.env`), whose
/// values are templates over these settings.
struct SMTPRelay: Equatable, Sendable {
    /// A catalog e-mail provider's id, or `custom`.
    var provider: String
    var host: String
    var port: Int
    var username: String
    var password: String
    /// The sender address apps put in From:.
    var from: String

    /// Port 465 speaks TLS from the first byte (RFC 8314 "implicit TLS"); every other submission
    /// port starts in plain text and upgrades with STARTTLS, which the providers' 587 requires.
    var implicitTLS: Bool { port == 465 }

    /// The words a catalog value may use: `{host}`, `{port}`, `{username}`, `{password}`, `{from}`,
    /// `{username_urlencoded}` and `{password_urlencoded}` (for apps that read the relay as a URL,
    /// e.g. Mautic's `smtp://USER:PASS@HOST:PORT`), and `{tls:A|B}` (A with STARTTLS, B with implicit TLS).
    static let placeholders = ["host", "port", "username", "password", "from", "username_urlencoded", "password_urlencoded"]

    /// `text` percent-encoded for the user-information part of a URL (RFC 3986 section 3.2.1): every
    /// byte of its UTF-8 but the unreserved characters (letters, digits, `-._~`) becomes `%XX`, so
    /// `@`, `:`, `/`, `%`, `+` and `#` in a password can't end or reshape the user information.
    static func urlEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `template` with every placeholder replaced.
    func expand(_ template: String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let word = rest[rest.index(after: open)..<close]
            switch word {
            case "host": out += host
            case "port": out += String(port)
            case "username": out += username
            case "password": out += password
            case "from": out += from
            case "username_urlencoded": out += Self.urlEncoded(username)
            case "password_urlencoded": out += Self.urlEncoded(password)
            default:
                if word.hasPrefix("tls:") {
                    let choices = word.dropFirst(4).split(separator: "|", omittingEmptySubsequences: false)
                    out += choices.count == 2 ? String(implicitTLS ? choices[1] : choices[0]) : ""
                } else {
                    out += rest[open...close]
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Why a catalog value template is wrong, or nil (`catalog check`).
    static func problem(_ template: String) -> String? {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return "'{' without '}'" }
            let word = rest[rest.index(after: open)..<close]
            if !placeholders.contains(String(word)) {
                if word.hasPrefix("tls:") {
                    if word.dropFirst(4).split(separator: "|", omittingEmptySubsequences: false).count != 2 {
                        return "{\(word)} must be {tls:STARTTLS-VALUE|IMPLICIT-TLS-VALUE}"
                    }
                } else {
                    return "unknown placeholder {\(word)} (known: " + placeholders.map { "{\($0)}" }.joined(separator: ", ") + ", {tls:A|B})"
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    /// The variables an app gets, in catalog order, values expanded.
    func variables(for app: App) -> [(name: String, value: String)] {
        app.smtp.env.map { ($0.name, expand($0.value)) }
    }

    /// What the manifest keeps (never the credentials): later renders keep the relay's shape and
    /// `preflight --box` checks the provider's DNS records.
    var record: RenderManifest.SMTPRecord {
        RenderManifest.SMTPRecord(provider: provider, host: host, port: port, from: from)
    }
}
