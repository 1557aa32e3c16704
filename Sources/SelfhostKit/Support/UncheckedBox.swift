import Foundation

/// Hands a value that is only touched in a safe way (a Process terminated by a watchdog, a file
/// handle written by one thread) to another thread.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
