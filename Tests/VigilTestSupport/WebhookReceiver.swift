public import Foundation

/// A real HTTP receiver of Vigil's alert webhooks (`scripts/webhook-receiver.py`) running for one
/// test: it checks each webhook's signature against its secrets, answers as scripted (401 for a bad
/// signature, else 200 unless told otherwise), can go down for a while, and records every webhook.
public final class WebhookReceiver: Sendable {
    private let process: BackgroundProcess
    private let directory: String
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    /// `http://127.0.0.1:PORT/hooks/vigil`: the webhook URL to configure.
    public let url: String
    /// The secrets a signature may be made with (several: one being rotated).
    public let secrets: [String]
    /// The file the receiver appends one JSON line to per webhook.
    public let recordPath: String

    /// Starts a receiver accepting signatures made with any of `secrets`; with `toleranceSeconds`
    /// above 0 it also refuses (401) a timestamp further than that from its clock.
    public init(secrets: [String], toleranceSeconds: Double = 0) async throws {
        precondition(!secrets.isEmpty, "a webhook receiver needs a secret")
        let directory = NSTemporaryDirectory() + "vigil-webhooks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let recordPath = directory + "/received.jsonl"
        var arguments = [
            TestEnvironment.repositoryRoot + "/scripts/webhook-receiver.py", "--port", "0", "--record", recordPath,
            "--tolerance", String(toleranceSeconds),
        ]
        for secret in secrets { arguments += ["--secret", secret] }
        do {
            process = try await BackgroundProcess.start("/usr/bin/python3", arguments, timeout: 120)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        self.directory = directory
        self.recordPath = recordPath
        self.secrets = secrets
        self.baseURL = process.address
        self.url = process.address + "/hooks/vigil"
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Makes the next validly signed webhooks answer with these statuses, in order (`[500, 500, 200]`);
    /// 200 afterwards. Replaces any script left.
    public func script(_ statuses: [Int]) async throws {
        _ = try await control("POST", "/_control/script", body: "[" + statuses.map(String.init).joined(separator: ",") + "]")
    }

    /// For `seconds` from now, closes every new connection at once without an answer (as a server
    /// that is down); 0 ends it early.
    public func goDown(seconds: Double) async throws {
        _ = try await control("POST", "/_control/down", body: "{\"seconds\": \(seconds)}")
    }

    /// How many connections (or keep-alive requests) were closed unanswered while down.
    public func refusedConnections() async throws -> Int {
        let text = try await control("GET", "/_control/down", body: nil)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return (object?["refused"] as? NSNumber)?.intValue ?? 0
    }

    /// Every webhook received so far, in order (read from the record file).
    public func received() async throws -> [ReceivedWebhook] {
        try receivedNow()
    }

    /// The webhooks received so far that match `predicate`, once there are at least `count` of
    /// them; checked every 100 ms, failing after `timeout` seconds with what did arrive.
    public func waitForReceived(
        count: Int, where predicate: (ReceivedWebhook) -> Bool = { _ in true }, timeout: Double
    ) async throws -> [ReceivedWebhook] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let all = try receivedNow()
            let matching = all.filter(predicate)
            if matching.count >= count { return matching }
            if Date() >= deadline {
                throw TestFailure(
                    "webhook receiver: \(matching.count) of \(count) webhooks within \(timeout) s; received: "
                        + all.map(\.summary).joined(separator: "; "))
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// Stops the receiver now (its URL then refuses connections).
    public func stop() async { await process.stop() }

    private func receivedNow() throws -> [ReceivedWebhook] {
        guard FileManager.default.fileExists(atPath: recordPath) else { return [] }
        let data = try Data(contentsOf: URL(fileURLWithPath: recordPath))
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if data.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }  // a line being written
        return try lines.map { try ReceivedWebhook(recordLine: Data($0)) }
    }

    private func control(_ method: String, _ path: String, body: String?) async throws -> String {
        var arguments = ["-s", "-f", "-X", method, baseURL + path]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data", body] }
        let result = try await ProcessRunner.run("/usr/bin/curl", arguments)
        guard result.status == 0 else {
            throw TestFailure("webhook receiver control \(path) failed (\(result.status)): \(result.standardError)")
        }
        return result.standardOutput
    }
}

/// One webhook as the receiver got it: its headers, raw body, whether its signature was valid and
/// the status it was answered with.
public struct ReceivedWebhook: Sendable, CustomStringConvertible {
    /// 1 for the first webhook received, and so on.
    public let sequence: Int
    public let path: String
    /// Whether X-Vigil-Signature matched the body and X-Vigil-Timestamp for one of the secrets.
    public let signatureValid: Bool
    /// X-Vigil-Timestamp, when it is an integer.
    public let timestamp: Int?
    /// The request headers, names lowercased.
    public let headers: [String: String]
    /// The raw body, exactly as received.
    public let body: Data
    /// The hex SHA-256 of the body.
    public let bodySHA256: String
    /// The status the receiver answered (401 for a bad signature).
    public let status: Int
    /// When it arrived (Unix seconds).
    public let receivedAt: Double

    init(recordLine: Data) throws {
        guard let entry = try JSONSerialization.jsonObject(with: recordLine) as? [String: Any] else {
            throw TestFailure("webhook receiver: a record line is not a JSON object")
        }
        sequence = (entry["seq"] as? NSNumber)?.intValue ?? 0
        path = entry["path"] as? String ?? ""
        signatureValid = entry["signature_valid"] as? Bool ?? false
        timestamp = (entry["timestamp"] as? NSNumber)?.intValue
        headers = entry["headers"] as? [String: String] ?? [:]
        body = Data(base64Encoded: entry["body_base64"] as? String ?? "") ?? Data()
        bodySHA256 = entry["body_sha256"] as? String ?? ""
        status = (entry["status"] as? NSNumber)?.intValue ?? 0
        receivedAt = (entry["received_at"] as? NSNumber)?.doubleValue ?? 0
    }

    /// A header's value, by its name in any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as text (UTF-8).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object, or nil.
    public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }

    /// The value at `path` in the body's JSON: keys and array indexes joined by dots
    /// (`"camera_id"`, `"verdict.confidence"`, `"cameras.0.id"`); nil when absent or JSON null.
    public func value(_ path: String) -> Any? {
        guard var current: Any = try? JSONSerialization.jsonObject(with: body, options: .fragmentsAllowed) else { return nil }
        for key in path.split(separator: ".").map(String.init) {
            if let object = current as? [String: Any], let next = object[key] {
                current = next
            } else if let array = current as? [Any], let index = Int(key), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current is NSNull ? nil : current
    }

    /// The string at `path` (see ``value(_:)``).
    public func string(_ path: String) -> String? { value(path) as? String }

    /// The integer at `path` (see ``value(_:)``); nil for a fraction or a non-number.
    public func int(_ path: String) -> Int? {
        guard let number = value(path) as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded(.towardZero) == double, abs(double) < 9.2e18 else { return nil }
        return number.intValue
    }

    /// The number at `path` (see ``value(_:)``).
    public func double(_ path: String) -> Double? { (value(path) as? NSNumber)?.doubleValue }

    /// The boolean at `path` (see ``value(_:)``; Foundation may read the numbers 0 and 1 as booleans too).
    public func bool(_ path: String) -> Bool? { value(path) as? Bool }

    public var description: String { summary }

    var summary: String {
        "#\(sequence) \(path) signature \(signatureValid ? "valid" : "INVALID") → \(status): \(bodyText.prefix(300))"
    }
}
