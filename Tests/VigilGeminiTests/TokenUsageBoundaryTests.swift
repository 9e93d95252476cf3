import Foundation
import Testing
import VigilCore

@testable import VigilCurl
@testable import VigilGemini

/// TokenUsage arithmetic at the edges of `Int`: nothing traps, sums saturate, and an overflowing
/// sum is never "consistent". Pure: no server.
@Suite struct TokenUsageBoundaryTests {
    static let extremes: [Int] = [.max, .min, .max - 1, .min + 1, -1, 0, 1, 1 << 62, -(1 << 62)]

    @Test(arguments: extremes, extremes)
    func noDerivedFigureTrapsWhateverTheCounts(a: Int, b: Int) {
        let usage = TokenUsage(
            promptTokens: a, cachedTokens: b, candidatesTokens: a, thoughtsTokens: b, toolUsePromptTokens: a,
            promptDetails: [.init(modality: "IMAGE", tokens: a), .init(modality: "IMAGE", tokens: b)])
        // Every figure is computed (a trap would end the test process) and stays within Int.
        _ = usage.totalTokens
        _ = usage.computedTotal
        _ = usage.isTotalConsistent
        _ = usage.inputBilledTokens
        _ = usage.cachedBilledTokens
        _ = usage.outputBilledTokens
        _ = usage.imageTokens
        let exact = Int128(a) * 3 + Int128(b)  // prompt + candidates + thoughts + tool-use, exactly
        if exact > Int128(Int.max) || exact < Int128(Int.min) {
            #expect(!usage.isTotalConsistent)
        }
    }

    @Test func theSumSaturatesAtTheBoundsOfInt() {
        let huge = TokenUsage(promptTokens: .max, candidatesTokens: 10, totalTokens: 500)
        #expect(huge.computedTotal == .max)
        #expect(!huge.isTotalConsistent)
        #expect(huge.outputBilledTokens == 10)
        // The default total is computed without trapping, too.
        #expect(TokenUsage(promptTokens: .max, candidatesTokens: 1).totalTokens == .max)
        #expect(TokenUsage(promptTokens: .min, candidatesTokens: -1).totalTokens == .min)
        // A total that happens to equal the saturated sum is still not consistent: the sum overflowed.
        #expect(!TokenUsage(promptTokens: .max, candidatesTokens: 1, totalTokens: .max).isTotalConsistent)
        #expect(TokenUsage(promptTokens: .max - 1, candidatesTokens: 1, totalTokens: .max).isTotalConsistent)
    }

    @Test func billedTokensSaturateInsteadOfTrapping() {
        #expect(TokenUsage(promptTokens: 0, cachedTokens: .min).inputBilledTokens == .max)
        #expect(TokenUsage(promptTokens: .min, cachedTokens: 1).inputBilledTokens == .min)
        #expect(TokenUsage(promptTokens: .max, cachedTokens: 0, toolUsePromptTokens: .max).inputBilledTokens == .max)
        #expect(TokenUsage(candidatesTokens: .max, thoughtsTokens: .max).outputBilledTokens == .max)
        #expect(TokenUsage(candidatesTokens: .min, thoughtsTokens: .min).outputBilledTokens == .min)
        let images = TokenUsage(promptDetails: [.init(modality: "IMAGE", tokens: .max), .init(modality: "IMAGE", tokens: .max)])
        #expect(images.imageTokens == .max)
        // Ordinary values are unchanged (recording 05: 345 prompt, 191 cached, 80 + 141 out).
        let usual = TokenUsage(promptTokens: 345, cachedTokens: 191, candidatesTokens: 80, thoughtsTokens: 141, totalTokens: 566)
        #expect(usual.isTotalConsistent)
        #expect(usual.inputBilledTokens == 154)
        #expect(usual.outputBilledTokens == 221)
    }

    @Test func checkedAndSaturatingSums() {
        #expect(TokenUsage.checkedSum([.max, 1]) == nil)
        #expect(TokenUsage.checkedSum([.min, -1]) == nil)
        #expect(TokenUsage.checkedSum([.max, -1, 1]) == .max)
        #expect(TokenUsage.saturatingSum([.max, 1, -5]) == .max)
        #expect(TokenUsage.saturatingSum([.min, -1, 5]) == .min)
        #expect(TokenUsage.saturatingSum([]) == 0)
    }

    @Test func anInvalidUsageHasNoTokensAndSaysWhy() throws {
        let usage = TokenUsage.invalid(reason: "usageMetadata.promptTokenCount is -500, a negative number", rawUsageMetadata: "{}")
        #expect(!usage.isValid)
        #expect(usage.promptTokens == 0 && usage.totalTokens == 0 && usage.computedTotal == 0)
        #expect(usage.isTotalConsistent)
        #expect(!usage.estimated)
        #expect(TokenUsage.none.isValid && TokenUsage.none.invalidReason == nil && TokenUsage.none.rawUsageMetadata == nil)
        // Both fields survive a round trip, and a usage written before they existed still decodes.
        let decoded = try JSONDecoder().decode(TokenUsage.self, from: JSONEncoder().encode(usage))
        #expect(decoded == usage)
        let old =
            #"{"promptTokens":5,"cachedTokens":0,"candidatesTokens":1,"thoughtsTokens":0,"toolUsePromptTokens":0,"totalTokens":6,"#
            + #""promptDetails":[],"cacheDetails":[],"candidatesDetails":[],"toolUsePromptDetails":[],"estimated":false}"#
        let legacy = try JSONDecoder().decode(TokenUsage.self, from: Data(old.utf8))
        #expect(legacy.isValid && legacy.totalTokens == 6 && legacy.rawUsageMetadata == nil)
    }

    @Test func imageTokenRuleNeverTraps() {
        for model in ["gemini-2.0-flash", "gemini-2.5-flash", "gemini-3-flash-preview"] {
            for (width, height) in [(Int.max, Int.max), (Int.max, 1), (1, Int.max), (0, 5), (-1, -1), (Int.min, 3)] {
                let tokens = ImageTokenRule.tokens(model: model, width: width, height: height)
                #expect(tokens >= 0)
            }
        }
        #expect(ImageTokenRule.tokens(model: "gemini-2.0-flash", width: .max, height: .max) == .max)
        #expect(ImageTokenRule.tokens(model: "gemini-2.0-flash", width: 3008, height: 2000) == 3354)
    }

    @Test func secondsConversionsClampInsteadOfTrapping() {
        #expect(SecondsConversion.duration(.nan, atMost: 120) == .zero)
        #expect(SecondsConversion.duration(-5, atMost: 120) == .zero)
        #expect(SecondsConversion.duration(.infinity, atMost: 120) == .seconds(120))
        #expect(SecondsConversion.duration(1e300, atMost: 120) == .seconds(120))
        #expect(SecondsConversion.duration(1.5, atMost: 120) == .milliseconds(1500))
        #expect(SecondsConversion.duration(5, atMost: .nan) == .zero)
        #expect(SecondsConversion.duration(1e12, atMost: .infinity) == .seconds(366 * 86_400))
        #expect(SecondsConversion.milliseconds(.nan) == 0)
        #expect(SecondsConversion.milliseconds(-.infinity) == 0)
        #expect(SecondsConversion.milliseconds(1e300) == Int(Int32.max))
        #expect(SecondsConversion.milliseconds(0.8125) == 812)
    }
}
