import Foundation

/// The local Gemini stand-in (`scripts/gemini-standin.py`) running for one test.
public final class GeminiStandIn: Sendable {
    private let process: BackgroundProcess
    /// `http://127.0.0.1:PORT`: the base URL to configure.
    public let baseURL: String

    private init(process: BackgroundProcess) {
        self.process = process
        self.baseURL = process.address
    }

    /// Starts a stand-in; `faults` like `503=0.1,429=0.05` (an unknown fault name makes it exit);
    /// `incidentRate` the chance that a verdict is a random incident (nil: the stand-in's default, 0.05; 0: never).
    public static func start(
        apiKey: String = "", faults: String = "", slowSeconds: Double = 30, incidentRate: Double? = nil
    ) async throws -> GeminiStandIn {
        var arguments = [
            TestEnvironment.repositoryRoot + "/scripts/gemini-standin.py", "--port", "0", "--slow-seconds", String(slowSeconds),
        ]
        if !apiKey.isEmpty { arguments += ["--api-key", apiKey] }
        if !faults.isEmpty { arguments += ["--faults", faults] }
        if let incidentRate { arguments += ["--incident-rate", String(incidentRate)] }
        return GeminiStandIn(process: try await BackgroundProcess.start("/usr/bin/python3", arguments, timeout: 120))
    }

    /// Makes the next requests answer with these faults, in order (`["429", "ok"]`). A fault name the
    /// stand-in does not know is refused (this throws) and nothing is queued.
    public func script(_ faults: [String]) async throws {
        let body = "[" + faults.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        _ = try await control("POST", "/_control/script", body: body)
    }

    /// Replaces the fault rates (`slow:6=1.0`, or `""` for none).
    public func setFaults(_ rates: String) async throws {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: rates, options: .fragmentsAllowed), as: UTF8.self)
        _ = try await control("POST", "/_control/faults", body: body)
    }

    /// Makes every following answer report an incident on `camera` ("*": every camera of the
    /// request) until ``clearIncident()`` (POST /_control/incidents).
    public func setIncident(camera: String = "*", type: String = "theft", confidence: Double = 0.91) async throws {
        let object: [String: Any] = ["camera": camera, "type": type, "confidence": confidence]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        _ = try await control("POST", "/_control/incidents", body: body)
    }

    /// Stops the standing incident of ``setIncident(camera:type:confidence:)``.
    public func clearIncident() async throws {
        _ = try await control("POST", "/_control/incidents", body: "null")
    }

    /// Requests answered so far and their token sums (`requests`, `prompt_tokens`, `image_tokens`, ...).
    public func stats() async throws -> [String: Int] {
        let text = try await control("GET", "/_control/stats", body: nil)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var result: [String: Int] = [:]
        for (key, value) in object {
            if let number = value as? Int { result[key] = number }
            if let nested = value as? [String: Int] { for (inner, count) in nested { result["\(key).\(inner)"] = count } }
        }
        return result
    }

    public func stop() async { await process.stop() }

    private func control(_ method: String, _ path: String, body: String?) async throws -> String {
        var arguments = ["-s", "-f", "-X", method, baseURL + path]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data", body] }
        let result = try await ProcessRunner.run("/usr/bin/curl", arguments)
        guard result.status == 0 else { throw TestFailure("stand-in control \(path) failed: \(result.standardError)") }
        return result.standardOutput
    }
}
