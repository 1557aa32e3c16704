import CCurl

/// libcurl is not linked: CCurl dlopen()s `libcurl.so.4` on the first HTTP, Docker-socket or SMTP
/// call (once per process), so the commands that never reach the network start without mapping
/// libcurl and its dependency tree. This is what that loading came to, and the message when it failed.
enum CurlLibrary {
    /// The package that provides `libcurl.so.4` (Debian and Ubuntu).
    static let remedy = "apt-get install libcurl4"

    /// Loads libcurl if not yet tried; true when it is usable.
    static var isLoaded: Bool { ccurl_loaded() != 0 }

    /// dlopen's or dlsym's reason when libcurl could not be loaded, nil when it is loaded.
    static var loadError: String? { ccurl_load_error().map { String(cString: $0) } }

    /// The person-facing message when libcurl could not be loaded, nil when it is loaded.
    static var loadFailure: String? { loadError.map(missingMessage) }

    static func missingMessage(_ reason: String) -> String {
        "libcurl4 is not installed (\(reason)): \(remedy)"
    }

    /// Whether `name` loads and has every function the HTTP layer calls, without touching the
    /// process's own libcurl: nil when it does, else the person-facing message.
    static func check(_ name: String) -> String? {
        var error = [CChar](repeating: 0, count: 512)
        let ok = error.withUnsafeMutableBufferPointer { ccurl_check_library(name, $0.baseAddress, $0.count) }
        return ok != 0 ? nil : missingMessage(error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }
}
