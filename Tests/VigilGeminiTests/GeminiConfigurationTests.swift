import Testing
import VigilCore

/// The `gemini` section's response size limit, read and validated like every other setting.
@Suite struct GeminiConfigurationTests {
    static func configuration(gemini: String) -> String {
        """
        {
          "gemini": \(gemini),
          "clients": [{"id": "acme", "name": "Acme Garage"}],
          "cameras": [{"id": "c1", "name": "Front Door", "url": "rtsp://10.0.0.11/stream1", "client": "acme"}]
        }
        """
    }

    static func problems(gemini: String) -> [ConfigurationProblem] {
        do {
            _ = try ConfigurationLoader.parse(configuration(gemini: gemini), file: "test.json")
            return []
        } catch {
            return error.problems
        }
    }

    @Test func maxResponseBytesDefaultsToTenMillionAndCanBeSet() throws {
        #expect(GeminiConfiguration().maxResponseBytes == 10_000_000)
        #expect(try ConfigurationLoader.parse(Self.configuration(gemini: "{}")).gemini.maxResponseBytes == 10_000_000)
        #expect(
            try ConfigurationLoader.parse(Self.configuration(gemini: #"{"max_response_bytes": 65536}"#)).gemini.maxResponseBytes == 65_536)
    }

    @Test(arguments: [
        (#"{"max_response_bytes": 0}"#, "is 0, outside 1...1000000000"),
        (#"{"max_response_bytes": -5}"#, "is -5, outside 1...1000000000"),
        (#"{"max_response_bytes": 2000000000}"#, "outside 1...1000000000"),
        (#"{"max_response_bytes": 1.5}"#, "must be a whole number"),
        (#"{"max_response_bytes": "10MB"}"#, "must be a whole number, found a string"),
    ])
    func maxResponseBytesMustBePositive(gemini: String, message: String) {
        let found = Self.problems(gemini: gemini)
        #expect(found.contains { $0.path == "gemini.max_response_bytes" && $0.message.contains(message) }, "\(found)")
    }
}
