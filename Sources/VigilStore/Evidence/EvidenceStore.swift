package import Foundation
import VigilCore

/// The pictures behind incident verdicts, kept on disk for `alerts.evidence_retention_days`.
///
/// A picture is the JPEG exactly as it was sent to Gemini (for a group, the whole 2x2 tile), at
/// `<directory>/<YYYY-MM-DD>/<request id>.jpg` (the UTC day of the call), written under a temporary
/// name, fsync'd and renamed, readable by its owner only (pictures of people). Its path goes on
/// the incident verdicts' rows (`analyses.evidence_path`). ``prune(now:)`` removes pictures older
/// than the retention and the day folders left empty. Files are written on a thread of its own.
package final class EvidenceStore: Sendable {
    package let directory: String
    package let retentionDays: Int
    private let files: WorkerPool

    package init(directory: String, retentionDays: Int) {
        self.directory = directory
        self.retentionDays = retentionDays
        files = WorkerPool(name: "vigil-evidence", threads: 1)
    }

    deinit {
        files.shutdown()
    }

    /// Keeps `jpeg` as the evidence of the call `requestID` made at `date`; its path, or why it
    /// could not be kept.
    package func keep(_ jpeg: [UInt8], requestID: String, at date: Date) async -> Result<String, EvidenceError> {
        let folder = (directory as NSString).appendingPathComponent(UTCDay.label(date))
        let path = (folder as NSString).appendingPathComponent(requestID + ".jpg")
        let result: Result<String, EvidenceError>? = try? await files.run { _ in
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                return .failure(EvidenceError(path: folder, reason: "cannot create the folder: \(error.localizedDescription)"))
            }
            if let failure = DurableFile.replace(path, with: jpeg) {
                return .failure(EvidenceError(path: path, reason: failure))
            }
            return .success(path)
        }
        return result ?? .failure(EvidenceError(path: path, reason: "the evidence thread has stopped"))
    }

    /// Reads a kept picture; nil when it is gone (pruned, deleted) or unreadable.
    package func read(_ path: String) async -> [UInt8]? {
        let result: [UInt8]?? = try? await files.run { _ in FileManager.default.contents(atPath: path).map { Array($0) } }
        return result ?? nil
    }

    /// Removes pictures older than the retention (by modification time) and empty day folders;
    /// returns how many pictures were removed.
    @discardableResult
    package func prune(now: Date = Date()) async -> Int {
        let directory = self.directory
        let cutoff = now.addingTimeInterval(-Double(retentionDays) * 86_400)
        let removed: Int? = try? await files.run { _ in
            let manager = FileManager.default
            var removed = 0
            for day in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] {
                let folder = (directory as NSString).appendingPathComponent(day)
                guard let names = try? manager.contentsOfDirectory(atPath: folder) else { continue }
                var left = names.count
                for name in names where name.hasSuffix(".jpg") || name.hasSuffix(".jpg.tmp") {
                    let path = (folder as NSString).appendingPathComponent(name)
                    guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < cutoff
                    else { continue }
                    if unlink(path) == 0 {
                        left -= 1
                        if name.hasSuffix(".jpg") { removed += 1 }
                    }
                }
                if left == 0 { rmdir(folder) }
            }
            return removed
        }
        return removed ?? 0
    }
}
