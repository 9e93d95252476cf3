import Foundation
import Testing
import VigilCore

@testable import VigilGemini

/// The 17 real bodies recorded from the Gemini Developer API (shared/gemini/responses).
struct RecordedResponseTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func body(_ prefix: String) throws -> [UInt8] {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: fixtures.path).first { $0.hasPrefix(prefix + "_") })
        return Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// prompt, cached, candidates, thoughts, tool use, total, image (nil: not reported).
    static let expected: [(String, Int, Int, Int, Int, Int, Int, Int?)] = [
        ("01", 3367, 0, 9, 0, 0, 3376, 3354),
        ("02", 1817, 0, 5, 0, 0, 1822, 1806),
        ("03", 629, 0, 2, 72, 0, 703, 516),
        ("04", 2349, 0, 2, 36, 0, 2387, 2190),
        ("05", 345, 191, 80, 141, 0, 566, 258),
        ("06", 3520, 3512, 2, 42, 0, 3564, nil),
        ("07", 5, 3, 238, 41, 0, 284, nil),
        ("08", 7, 0, 0, 19, 0, 26, nil),
        ("09", 15, 0, 0, 2, 0, 17, nil),
        ("10", 32, 0, 41, 47, 2395, 2515, nil),
        ("11", 14, 0, 2, 24, 0, 40, nil),
        ("12", 14, 0, 0, 0, 0, 14, nil),
        ("13", 9311, 0, 0, 0, 0, 9311, nil),
    ]

    @Test(arguments: expected)
    func recordedBodyYieldsItsExactCounts(_ row: (String, Int, Int, Int, Int, Int, Int, Int?)) throws {
        let response = try GeminiResponse.parse(try Self.body(row.0))
        let usage = try #require(response.usage)
        #expect(usage.promptTokens == row.1)
        #expect(usage.cachedTokens == row.2)
        #expect(usage.candidatesTokens == row.3)
        #expect(usage.thoughtsTokens == row.4)
        #expect(usage.toolUsePromptTokens == row.5)
        #expect(usage.totalTokens == row.6)
        #expect(usage.isTotalConsistent)
        #expect(!usage.estimated)
        if let image = row.7 { #expect(usage.imageTokens == image) }
    }

    @Test func specialShapesKeepTheirMeaning() throws {
        let blocked = try GeminiResponse.parse(try Self.body("13"))
        #expect(blocked.blockReason == "PROHIBITED_CONTENT")
        #expect(blocked.text == nil)
        let maxTokens = try GeminiResponse.parse(try Self.body("08"))
        #expect(maxTokens.finishReason == "MAX_TOKENS")
        #expect(maxTokens.text == nil)
        let summary = try GeminiResponse.parse(try Self.body("11"))
        #expect(summary.text == "Mountain View")
        let safety = try GeminiResponse.parse(try Self.body("12"))
        #expect(safety.finishReason == "SAFETY")
        let first = try GeminiResponse.parse(try Self.body("01"))
        #expect(first.modelVersion == "gemini-2.0-flash")
        #expect(first.responseID == "4YfNaLXqOsKVmtkPqqehuAQ")
        #expect(try GeminiResponse.parse(try Self.body("10")).usage?.toolUsePromptDetails.first?.tokens == 2395)
    }

    @Test func errorBodiesYieldCodeStatusAndRetryDelay() throws {
        let invalid = try #require(GeminiErrorBody.parse(try Self.body("14")))
        #expect(invalid.code == 400)
        #expect(invalid.status == "INVALID_ARGUMENT")
        #expect(invalid.reasons == ["API_KEY_INVALID"])
        #expect(invalid.retryDelaySeconds == nil)
        let notFound = try #require(GeminiErrorBody.parse(try Self.body("15")))
        #expect(notFound.code == 404)
        #expect(notFound.status == "NOT_FOUND")
        let exhausted = try #require(GeminiErrorBody.parse(try Self.body("16")))
        #expect(exhausted.code == 429)
        #expect(exhausted.status == "RESOURCE_EXHAUSTED")
        #expect(exhausted.retryDelaySeconds == 58)
        #expect(exhausted.quotaIDs == ["GenerateRequestsPerMinutePerProjectPerModel-FreeTier"])
        #expect(!exhausted.isDailyQuota)
    }

    @Test func countTokensBodyIsNotMistakenForUsage() throws {
        let root = try JSONParser.parse(try Self.body("17"))
        #expect(root["totalTokens"]?.int == 12)
        #expect(UsageMetadataParser.usage(in: root) == nil)
    }

    @Test func snakeCaseAndTopLevelCountsAreAccepted() throws {
        let snake = try GeminiResponse.parse(
            Array(
                #"{"usage_metadata": {"prompt_token_count": 10, "candidates_token_count": 3, "thoughts_token_count": 2, "total_token_count": 15}}"#
                    .utf8))
        #expect(snake.usage == TokenUsage(promptTokens: 10, candidatesTokens: 3, thoughtsTokens: 2, totalTokens: 15))
        let top = try JSONParser.parse(#"{"promptTokenCount": 7, "candidatesTokenCount": 1, "totalTokenCount": 8}"#)
        #expect(UsageMetadataParser.usage(in: top)?.totalTokens == 8)
        let missingTotal = try JSONParser.parse(#"{"usageMetadata": {"promptTokenCount": 7, "candidatesTokenCount": 1}}"#)
        #expect(UsageMetadataParser.usage(in: missingTotal)?.totalTokens == 8)
        let inconsistent = try JSONParser.parse(#"{"usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 99}}"#)
        #expect(UsageMetadataParser.usage(in: inconsistent)?.isTotalConsistent == false)
    }

    @Test func imageTokenRuleMatchesTheRecordings() {
        // 02: one 540x360 JPEG on 2.0-flash is 1806 tokens; 05: any image on 2.5 is 258.
        #expect(ImageTokenRule.tokens(model: "gemini-2.0-flash", width: 540, height: 360) == 1806)
        #expect(ImageTokenRule.tokens(model: "gemini-2.0-flash", width: 3008, height: 2000) == 3354)
        #expect(ImageTokenRule.tokens(model: "gemini-2.5-flash", width: 3840, height: 2160) == 258)
        // 04: 597x566 and 400x301 on Gemini 3 at the default (high) resolution: 2190 together.
        #expect(
            ImageTokenRule.tokens(model: "gemini-3-flash-preview", width: 597, height: 566)
                + ImageTokenRule.tokens(model: "gemini-3-flash-preview", width: 400, height: 301) == 2190)
    }
}
