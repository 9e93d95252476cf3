import Foundation

/// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it.
///
/// On Linux, Foundation passes `Thread.name` to the kernel only when a thread names itself
/// (measured: names set before `start()` never arrived; every thread showed its creator's name),
/// and the kernel refuses names over 15 bytes outright. So threads call this first thing, and the
/// name is cut to 15 bytes on a character boundary.
package enum ThreadName {
    /// The longest name the kernel keeps, in bytes.
    package static let maximumBytes = 15

    /// `name`, cut to at most 15 bytes of UTF-8 without splitting a character.
    package static func fitted(_ name: String) -> String {
        var result = ""
        for character in name {
            if result.utf8.count + String(character).utf8.count > maximumBytes { break }
            result.append(character)
        }
        return result
    }

    /// Names the calling thread `name` (cut to 15 bytes).
    package static func setCurrent(_ name: String) {
        Thread.current.name = fitted(name)
    }
}
