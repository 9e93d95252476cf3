import Foundation

/// Files that are on disk once a call returns: written, fsync'd, and (for a replacement) renamed
/// over the old one with the directory fsync'd, so a crash leaves the old file or the new one,
/// never a part. The usage spool and the alert outbox's spool write through here. Blocking: call
/// from a thread of a ``WorkerPool``, never from Swift's cooperative pool.
enum DurableFile {
    /// Writes `bytes` to a new file at `path` and fsyncs it; returns the failure, if any.
    static func write(_ bytes: [UInt8], to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return fsync(descriptor) == 0 ? nil : String(cString: strerror(errno))
    }

    /// Writes `bytes` under a temporary name beside `path`, fsyncs it, renames it to `path` and
    /// fsyncs the directory; returns the failure, if any (the old file, if any, is then unchanged).
    static func replace(_ path: String, with bytes: [UInt8]) -> String? {
        let temporary = path + ".tmp"
        if let failure = write(bytes, to: temporary) {
            unlink(temporary)
            return failure
        }
        guard rename(temporary, path) == 0 else {
            let failure = String(cString: strerror(errno))
            unlink(temporary)
            return failure
        }
        syncDirectory((path as NSString).deletingLastPathComponent)
        return nil
    }

    /// Fsyncs the directory at `path`, so the names of files created, renamed or removed in it last.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
