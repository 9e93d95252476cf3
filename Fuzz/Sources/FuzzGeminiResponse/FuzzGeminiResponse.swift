// libFuzzer target FuzzGeminiResponse: the body of a generateContent answer (HTTP 200), parsed as
// `GeminiClient` parses it — `GeminiResponse.parse`, whose usage comes from `UsageMetadataParser` —
// and the token arithmetic of `TokenUsage` that billing does on the result.
//
// Run every target: `scripts/fuzz [SECONDS]` from the repository root. This one alone, once built:
//   Fuzz/.build/release/FuzzGeminiResponse -dict=Fuzz/Dictionaries/FuzzGeminiResponse.dict DIR
// where DIR is a copy of Fuzz/Corpus/FuzzGeminiResponse/ (libFuzzer adds the inputs it finds to it).
// Seeds: every recorded Gemini body, and the hostile usages of the tests.
import FuzzSupport
import VigilCore
import VigilGemini

/// libFuzzer's entry point: one input, checked. Always 0 (the input may join the corpus).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeminiResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    GeminiResponseTarget.run(FuzzInput.bytes(data, size))
    return 0
}

/// What holds for any response body, however broken or hostile (README, "Nothing from the network
/// is trusted"): the body parses or is a syntax error with a place; a usage is either valid, with
/// every count a whole number from 0 to 10,000,000, or invalid, with no count, a reason and the raw
/// text (at most 4,096 bytes, the API key redacted); no derived figure traps.
enum GeminiResponseTarget {
    /// An API key the redactor knows; it must never be kept in what an invalid usage records.
    static let apiKey = "AIzaSyFuzzKey-0123456789_abcdefghijkl"
    static let redactor = SecretRedactor(secrets: [apiKey])

    static func run(_ body: [UInt8]) {
        checkSaturation(body)
        let response: GeminiResponse
        do {
            response = try GeminiResponse.parse(body, redactor: redactor)
        } catch {
            invariant(error.line >= 1 && error.column >= 1, "a syntax error without a place: \(error)")
            return
        }
        if let usage = response.usage {
            check(usage)
        }
    }

    /// The usage of a parsed body.
    static func check(_ usage: TokenUsage) {
        let counts = [usage.promptTokens, usage.cachedTokens, usage.candidatesTokens, usage.thoughtsTokens, usage.toolUsePromptTokens]
        let details = usage.promptDetails + usage.cacheDetails + usage.candidatesDetails + usage.toolUsePromptDetails
        // Every derived figure, computed whatever the usage: none may trap.
        let derived = [
            usage.computedTotal, usage.inputBilledTokens, usage.cachedBilledTokens, usage.outputBilledTokens, usage.imageTokens,
        ]
        let consistent = usage.isTotalConsistent
        invariant(!usage.estimated, "a usage read from a body is marked estimated")

        if let reason = usage.invalidReason {
            invariant(!reason.isEmpty, "an invalid usage with an empty reason")
            invariant(
                counts.allSatisfy { $0 == 0 } && usage.totalTokens == 0 && details.isEmpty && derived.allSatisfy { $0 == 0 },
                "an invalid usage keeps tokens: counts \(counts), total \(usage.totalTokens), details \(details), derived \(derived)")
            invariant(consistent, "an invalid usage's zero total is not the sum of its zero counts")
            guard let raw = usage.rawUsageMetadata else {
                invariant(false, "an invalid usage without its raw usageMetadata (reason: \(reason))")
                return
            }
            invariant(
                raw.utf8.count <= TokenUsage.maximumRawUsageMetadataBytes,
                "the raw usageMetadata kept is \(raw.utf8.count) bytes, above \(TokenUsage.maximumRawUsageMetadataBytes)")
            invariant(!raw.contains(apiKey), "the API key is in an invalid usage's raw usageMetadata: \(raw)")
            invariant(!reason.contains(apiKey), "the API key is in an invalid usage's reason: \(reason)")
            return
        }

        let plausible = 0...TokenUsage.maximumPlausibleCount
        invariant(counts.allSatisfy(plausible.contains), "a valid usage has a count outside \(plausible): \(counts)")
        invariant(
            details.allSatisfy { plausible.contains($0.tokens) }, "a valid usage has a modality count outside \(plausible): \(details)")
        invariant(usage.rawUsageMetadata == nil, "a valid usage keeps raw text")
        // Cached tokens are part of the prompt: a valid usage never bills a credit.
        invariant(usage.inputBilledTokens >= 0, "a valid usage bills \(usage.inputBilledTokens) input tokens: \(counts)")
        invariant(usage.cachedBilledTokens >= 0, "a valid usage bills \(usage.cachedBilledTokens) cached tokens: \(counts)")
        // Each count is at most 10,000,000: these sums cannot overflow.
        let sum = usage.promptTokens + usage.candidatesTokens + usage.thoughtsTokens + usage.toolUsePromptTokens
        invariant(
            plausible.contains(usage.totalTokens) || usage.totalTokens == sum,
            "a valid usage's total \(usage.totalTokens) is neither a plausible count as reported nor the sum \(sum)")
        invariant(usage.computedTotal == sum, "computedTotal \(usage.computedTotal) is not \(sum)")
        invariant(consistent == (usage.totalTokens == sum), "isTotalConsistent is \(consistent) for total \(usage.totalTokens), sum \(sum)")
        invariant(
            usage.outputBilledTokens == usage.candidatesTokens + usage.thoughtsTokens,
            "output billed \(usage.outputBilledTokens) is not candidates + thoughts \(counts)")
        invariant(
            usage.inputBilledTokens == usage.promptTokens - usage.cachedTokens + usage.toolUsePromptTokens,
            "input billed \(usage.inputBilledTokens) is not prompt - cached + tool use \(counts)")
        invariant(usage.cachedBilledTokens == usage.cachedTokens, "cached billed \(usage.cachedBilledTokens) is not cached \(counts)")
        let images = usage.promptDetails.filter { $0.modality == "IMAGE" }.reduce(0) { $0 + $1.tokens }
        invariant(usage.imageTokens == images, "image tokens \(usage.imageTokens) are not the IMAGE details' \(images)")
    }

    /// A usage built from any six 64-bit numbers (the input's first 48 bytes): a `TokenUsage` is not
    /// only made by the parser, and its doc promises that every derived figure saturates at
    /// `Int.min`/`Int.max` instead of trapping, and that the total is inconsistent when the sum overflows.
    static func checkSaturation(_ bytes: [UInt8]) {
        guard bytes.count >= 48 else { return }
        let words = (0..<6).map { index in
            bytes[(index * 8)..<(index * 8 + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }.map { Int(truncatingIfNeeded: $0) }
        let usage = TokenUsage(
            promptTokens: words[0], cachedTokens: words[1], candidatesTokens: words[2], thoughtsTokens: words[3],
            toolUsePromptTokens: words[4], totalTokens: words[5],
            promptDetails: [.init(modality: "IMAGE", tokens: words[1]), .init(modality: "IMAGE", tokens: words[5])])
        let parts = [words[0], words[2], words[3], words[4]]
        if let sum = TokenUsage.checkedSum(parts) {
            invariant(usage.computedTotal == sum, "computedTotal \(usage.computedTotal) is not the sum \(sum) of \(parts)")
            invariant(usage.isTotalConsistent == (words[5] == sum), "isTotalConsistent is wrong for \(words)")
        } else {
            invariant(usage.computedTotal == .max || usage.computedTotal == .min, "an overflowing total did not saturate: \(words)")
            invariant(!usage.isTotalConsistent, "an overflowing sum is called consistent: \(words)")
        }
        _ = (usage.inputBilledTokens, usage.outputBilledTokens, usage.cachedBilledTokens, usage.imageTokens)
    }
}
