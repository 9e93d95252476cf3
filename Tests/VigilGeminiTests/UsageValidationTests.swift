import Testing
import VigilCore

@testable import VigilGemini

/// Token counts from the network are checked: every count the parser reads, in every form. Pure.
@Suite struct UsageValidationTests {
    /// A body, and the words the invalid reason must hold (nil: the usage is valid).
    struct Case: Sendable, CustomTestStringConvertible {
        var body: String
        var reason: String?
        var testDescription: String { reason ?? body }
    }

    static let invalid: [Case] = [
        // Cached tokens are part of the prompt: more cached than prompt tokens would bill a credit (found by fuzzing).
        Case(
            body: #"{"usageMetadata": {"promptTokenCount": 10, "cachedContentTokenCount": 20, "totalTokenCount": 10}}"#,
            reason: "usageMetadata.cachedContentTokenCount 20 is more than promptTokenCount 10, of which it is a part"),
        Case(
            body: #"{"usageMetadata": {"promptTokenCount": -500, "totalTokenCount": 10}}"#,
            reason: "usageMetadata.promptTokenCount is -500, a negative number"),
        Case(
            body: #"{"usageMetadata": {"promptTokenCount": 2147483648}}"#,
            reason: "usageMetadata.promptTokenCount is 2147483648, above the plausible 10000000"),
        Case(
            body: #"{"usageMetadata": {"promptTokenCount": 9223372036854775807, "candidatesTokenCount": 5}}"#,
            reason: "is 9223372036854775807, above"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": 9223372036854775808}}"#, reason: "is 9223372036854775808, above"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": 100000000000000000}}"#, reason: "is 100000000000000000, above"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": 10000001}}"#, reason: "is 10000001, above"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": 1e17}}"#, reason: "is 1e17, not a whole number"),
        Case(
            body: #"{"usageMetadata": {"candidatesTokenCount": 12.5}}"#,
            reason: "usageMetadata.candidatesTokenCount is 12.5, not a whole number"),
        Case(body: #"{"usageMetadata": {"thoughtsTokenCount": 12.0}}"#, reason: "thoughtsTokenCount is 12.0, not a whole number"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": "258"}}"#, reason: "promptTokenCount is a string, not a number"),
        Case(body: #"{"usageMetadata": {"cachedContentTokenCount": true}}"#, reason: "cachedContentTokenCount is true/false, not a number"),
        Case(body: #"{"usageMetadata": {"toolUsePromptTokenCount": [1]}}"#, reason: "toolUsePromptTokenCount is an array, not a number"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": -0}}"#, reason: "is -0, a negative number"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": 7, "totalTokenCount": -7}}"#, reason: "usageMetadata.totalTokenCount is -7"),
        Case(body: #"{"usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 1e300}}"#, reason: "totalTokenCount is 1e300"),
        Case(body: #"{"usageMetadata": "lots"}"#, reason: "usageMetadata is a string, not an object"),
        Case(body: #"{"usage_metadata": [1, 2]}"#, reason: "usage_metadata is an array, not an object"),
        // snake_case and top-level counts are checked the same way.
        Case(
            body: #"{"usage_metadata": {"prompt_token_count": -1}}"#, reason: "usage_metadata.prompt_token_count is -1, a negative number"),
        Case(body: #"{"usage_metadata": {"total_token_count": 3.5}}"#, reason: "usage_metadata.total_token_count is 3.5"),
        Case(body: #"{"promptTokenCount": 12.5, "candidates": []}"#, reason: "promptTokenCount is 12.5, not a whole number"),
        Case(body: #"{"prompt_token_count": 99999999999}"#, reason: "prompt_token_count is 99999999999, above"),
        // Modality details: every tokenCount, in each of the four lists.
        Case(
            body:
                #"{"usageMetadata": {"promptTokenCount": 258, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1}, {"modality": "IMAGE", "tokenCount": -258}]}}"#,
            reason: "usageMetadata.promptTokensDetails[1].tokenCount is -258, a negative number"),
        Case(
            body: #"{"usageMetadata": {"promptTokenCount": 9, "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 4.5}]}}"#,
            reason: "cacheTokensDetails[0].tokenCount is 4.5"),
        Case(
            body:
                #"{"usageMetadata": {"candidatesTokenCount": 9, "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 9223372036854775808}]}}"#,
            reason: "candidatesTokensDetails[0].tokenCount is 9223372036854775808"),
        Case(
            body: #"{"usageMetadata": {"promptTokenCount": 9, "toolUsePromptTokensDetails": [{"modality": "TEXT", "tokenCount": "9"}]}}"#,
            reason: "toolUsePromptTokensDetails[0].tokenCount is a string"),
        Case(
            body: #"{"usage_metadata": {"prompt_token_count": 9, "prompt_tokens_details": [{"modality": "IMAGE", "token_count": -1}]}}"#,
            reason: "usage_metadata.prompt_tokens_details[0].token_count is -1"),
        Case(
            body: #"{"usageMetadata": {"promptTokenCount": 9, "promptTokensDetails": {"modality": "TEXT"}}}"#,
            reason: "promptTokensDetails is an object, not a list"),
    ]

    @Test(arguments: invalid)
    func implausibleCountsMakeTheUsageInvalid(_ testCase: Case) throws {
        let usage = try #require(UsageMetadataParser.usage(in: try JSONParser.parse(testCase.body)))
        let reason = try #require(usage.invalidReason)
        #expect(reason.contains(testCase.reason ?? ""), "\(reason)")
        #expect(!usage.isValid)
        // No count survives an invalid usage, so nothing negative or huge can be billed.
        #expect(
            [
                usage.promptTokens, usage.cachedTokens, usage.candidatesTokens, usage.thoughtsTokens, usage.toolUsePromptTokens,
                usage.totalTokens,
            ]
                == [0, 0, 0, 0, 0, 0])
        #expect(usage.promptDetails.isEmpty && usage.candidatesDetails.isEmpty)
        #expect(!usage.estimated)
        let raw = try #require(usage.rawUsageMetadata)
        #expect(!raw.isEmpty)
        #expect((try? JSONParser.parse(raw)) != nil, "the raw text is the JSON as received: \(raw)")
    }

    @Test func theRawTextIsTheUsageMetadataAsSentAndOnlyThat() throws {
        let body =
            #"{"candidates": [{"content": {"parts": [{"text": "secret scene"}]}}], "usageMetadata": {"promptTokenCount": -500, "totalTokenCount": 204}}"#
        let usage = try #require(UsageMetadataParser.usage(in: try JSONParser.parse(body)))
        #expect(usage.rawUsageMetadata == #"{"promptTokenCount":-500,"totalTokenCount":204}"#)
        // Counts at the top level: only the usage members are kept, not the rest of the body.
        let top = try #require(UsageMetadataParser.usage(in: try JSONParser.parse(#"{"promptTokenCount": 12.5, "text": "secret scene"}"#)))
        #expect(top.rawUsageMetadata == #"{"promptTokenCount":12.5}"#)
    }

    @Test func theRawTextIsRedactedThenBoundedTo4096Bytes() throws {
        let key = "AIzaSyTEST-not-a-real-key-0123456789"
        let filler = String(repeating: "é", count: 3_000)  // 2 bytes each: the cut falls inside a character
        let body = #"{"usageMetadata": {"promptTokenCount": -1, "note": "\#(key)", "filler": "\#(filler)"}}"#
        let usage = try #require(UsageMetadataParser.usage(in: try JSONParser.parse(body), redactor: SecretRedactor(secrets: [key])))
        let raw = try #require(usage.rawUsageMetadata)
        #expect(raw.utf8.count <= TokenUsage.maximumRawUsageMetadataBytes)
        #expect(raw.utf8.count >= TokenUsage.maximumRawUsageMetadataBytes - 3)
        #expect(!raw.contains(key))
        #expect(raw.contains("***"))
        #expect(!raw.contains("\u{FFFD}"))
        // The reason never holds a string value (a key could be there), only the kind of value.
        let echo = try #require(
            UsageMetadataParser.usage(
                in: try JSONParser.parse(#"{"usageMetadata": {"promptTokenCount": "\#(key)"}}"#), redactor: SecretRedactor(secrets: [key])))
        #expect(echo.invalidReason?.contains(key) == false)
        #expect(echo.rawUsageMetadata?.contains(key) == false)
    }

    @Test func aLongNumberIsShortenedInTheReason() throws {
        let digits = String(repeating: "9", count: 5_000)
        let usage = try #require(
            UsageMetadataParser.usage(in: try JSONParser.parse(#"{"usageMetadata": {"promptTokenCount": \#(digits)}}"#)))
        let reason = try #require(usage.invalidReason)
        #expect(reason.count < 200)
        #expect(reason.contains("above the plausible"))
    }

    @Test func plausibleCountsAreKeptAndAValidTotalIsKeptEvenWhenItDoesNotAddUp() throws {
        let largest = TokenUsage.maximumPlausibleCount
        let edge = try #require(
            UsageMetadataParser.usage(
                in: try JSONParser.parse(#"{"usageMetadata": {"promptTokenCount": \#(largest), "candidatesTokenCount": 0}}"#)))
        #expect(edge.isValid)
        #expect(edge.promptTokens == largest && edge.totalTokens == largest)
        let inconsistent = try #require(
            UsageMetadataParser.usage(in: try JSONParser.parse(#"{"usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 99}}"#)))
        #expect(inconsistent.isValid)
        #expect(inconsistent.totalTokens == 99)
        #expect(!inconsistent.isTotalConsistent)
        #expect(inconsistent.rawUsageMetadata == nil)
        // null is "not reported" (0), as proto3 JSON means it.
        let nulls = try #require(
            UsageMetadataParser.usage(
                in: try JSONParser.parse(#"{"usageMetadata": {"promptTokenCount": 5, "cachedContentTokenCount": null}}"#)))
        #expect(nulls.isValid && nulls.cachedTokens == 0 && nulls.totalTokens == 5)
        #expect(UsageMetadataParser.usage(in: try JSONParser.parse(#"{"usageMetadata": null}"#)) == nil)
    }

    @Test func aWholeResponseWithInvalidUsageStillYieldsItsAnswer() throws {
        let body = #"""
            {"candidates": [{"content": {"parts": [{"text": "{\"incident_detected\":false}"}]}, "finishReason": "STOP"}],
             "usageMetadata": {"promptTokenCount": -500, "candidatesTokenCount": 23, "totalTokenCount": 204},
             "modelVersion": "gemini-2.5-flash", "responseId": "abc"}
            """#
        let response = try GeminiResponse.parse(Array(body.utf8))
        #expect(response.text == #"{"incident_detected":false}"#)
        #expect(response.finishReason == "STOP")
        let usage = try #require(response.usage)
        #expect(usage.invalidReason?.contains("-500") == true)
        #expect(usage.candidatesTokens == 0)
    }
}
