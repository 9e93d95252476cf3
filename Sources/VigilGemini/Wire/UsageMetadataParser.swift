package import VigilCore

/// Reads token counts out of a generateContent response, in every form they are found, and refuses
/// counts that cannot be real.
///
/// Accepts the REST form (`usageMetadata.promptTokenCount`), the snake_case form of older clients
/// and logs (`usage_metadata.prompt_token_count`), and counts at the top level of the object. A
/// count that is absent (or `null`) is 0; a missing `totalTokenCount` is computed from the parts.
///
/// Every count read — the six counts and each `tokenCount` of the modality details — must be a
/// JSON number written as a whole number without sign, fraction or exponent, at most
/// ``TokenUsage/maximumPlausibleCount``. Gemini sends its counts (int32 in the API definition) as
/// such numbers; anything else (`-500`, `12.5`, `1e17`, `"258"`, `9223372036854775808`, a
/// `usageMetadata` that is not an object) means the body is not what it claims to be, and the usage
/// is returned *invalid*: every count 0, with ``TokenUsage/invalidReason`` saying which count was
/// refused and ``TokenUsage/rawUsageMetadata`` keeping the text. A reported total that is itself a
/// valid count is kept as reported even when it does not add up (``TokenUsage/isTotalConsistent``).
package enum UsageMetadataParser {
    /// One count as found in the body.
    private enum Count {
        case absent
        case value(Int)
        case invalid(String)
    }

    /// The six counts: camelCase and snake_case names.
    private static let countKeys: [(camel: String, snake: String)] = [
        ("promptTokenCount", "prompt_token_count"), ("cachedContentTokenCount", "cached_content_token_count"),
        ("candidatesTokenCount", "candidates_token_count"), ("thoughtsTokenCount", "thoughts_token_count"),
        ("toolUsePromptTokenCount", "tool_use_prompt_token_count"), ("totalTokenCount", "total_token_count"),
    ]

    /// The four modality breakdowns: camelCase and snake_case names.
    private static let detailKeys: [(camel: String, snake: String)] = [
        ("promptTokensDetails", "prompt_tokens_details"), ("cacheTokensDetails", "cache_tokens_details"),
        ("candidatesTokensDetails", "candidates_tokens_details"), ("toolUsePromptTokensDetails", "tool_use_prompt_tokens_details"),
    ]

    /// The usage of `response`, or nil when it carries no token count at all (nor a
    /// `usageMetadata` that could not be read).
    ///
    /// - Parameter redactor: applied to the raw text and the reason of an invalid usage (the
    ///   client's, holding the API key).
    package static func usage(in response: JSONNode, redactor: SecretRedactor = SecretRedactor()) -> TokenUsage? {
        let declared = response.first("usageMetadata", "usage_metadata")
        let metadataName = response["usageMetadata"] != nil ? "usageMetadata" : "usage_metadata"
        let metadata: JSONNode
        let prefix: String
        if let declared, !declared.isNull {
            guard declared.object != nil else {
                return invalid(
                    reasons: ["\(metadataName) is \(declared.kindDescription), not an object"], raw: declared, redactor: redactor)
            }
            metadata = declared
            prefix = metadataName + "."
        } else {
            metadata = response
            prefix = ""
        }

        var reasons: [String] = []
        func read(_ key: (camel: String, snake: String)) -> Int? {
            let name = metadata[key.camel] != nil ? key.camel : key.snake
            switch count(metadata[name], name: prefix + name) {
            case .absent: return nil
            case .value(let value): return value
            case .invalid(let reason):
                reasons.append(reason)
                return nil
            }
        }
        let counts = countKeys.map(read)
        let present = counts.contains { $0 != nil }
        guard present || !reasons.isEmpty else { return nil }
        let details = detailKeys.map { key -> [TokenUsage.ModalityCount] in
            let name = metadata[key.camel] != nil ? key.camel : key.snake
            return self.details(metadata[name], name: prefix + name, reasons: &reasons)
        }
        // Cached tokens are part of the prompt: more of them than prompt tokens cannot be true, and
        // would bill the difference as a credit (found by fuzzing).
        if let prompt = counts[0], let cached = counts[1], cached > prompt {
            let name = metadata[countKeys[1].camel] != nil ? countKeys[1].camel : countKeys[1].snake
            let promptName = metadata[countKeys[0].camel] != nil ? countKeys[0].camel : countKeys[0].snake
            reasons.append("\(prefix)\(name) \(cached) is more than \(promptName) \(prompt), of which it is a part")
        } else if counts[0] == nil, let cached = counts[1], cached > 0 {
            reasons.append("\(prefix)cachedContentTokenCount \(cached) without a promptTokenCount, of which it is a part")
        }
        guard reasons.isEmpty else {
            let raw = prefix.isEmpty ? usageMembers(of: response) : metadata
            return invalid(reasons: reasons, raw: raw, redactor: redactor)
        }
        return TokenUsage(
            promptTokens: counts[0] ?? 0, cachedTokens: counts[1] ?? 0, candidatesTokens: counts[2] ?? 0,
            thoughtsTokens: counts[3] ?? 0, toolUsePromptTokens: counts[4] ?? 0, totalTokens: counts[5],
            promptDetails: details[0], cacheDetails: details[1], candidatesDetails: details[2], toolUsePromptDetails: details[3],
            modelVersion: response.first("modelVersion", "model_version")?.string,
            responseID: response.first("responseId", "response_id")?.string,
            serviceTier: servedTier(metadata.first("serviceTier", "service_tier")))
    }

    /// `usageMetadata.serviceTier` as sent, when it is a plain word (letters, digits, `_`, at most
    /// 40 characters); anything else (a number, an object, a long or odd string) is treated as
    /// unknown: kept as `"unknown"`, which no price matches, so the call is recorded unpriced rather
    /// than priced at a tier that may not be the one billed.
    static func servedTier(_ node: JSONNode?) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.string, !text.isEmpty, text.count <= 40,
            text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
        else { return "unknown" }
        return text
    }

    /// One count, checked: a whole number from 0 to ``TokenUsage/maximumPlausibleCount``.
    private static func count(_ node: JSONNode?, name: String) -> Count {
        guard let node, !node.isNull else { return .absent }
        guard let text = node.numberText else {
            return .invalid("\(name) is \(node.kindDescription), not a number")
        }
        let shown = text.utf8.count > 24 ? String(text.prefix(24)) + "…" : text
        if text.hasPrefix("-") { return .invalid("\(name) is \(shown), a negative number") }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .invalid("\(name) is \(shown), not a whole number")
        }
        guard let value = Int(text), value <= TokenUsage.maximumPlausibleCount else {
            return .invalid("\(name) is \(shown), above the plausible \(TokenUsage.maximumPlausibleCount)")
        }
        return .value(value)
    }

    /// A modality breakdown (`[{modality, tokenCount}]`); an entry without a modality is skipped.
    private static func details(_ node: JSONNode?, name: String, reasons: inout [String]) -> [TokenUsage.ModalityCount] {
        guard let node, !node.isNull else { return [] }
        guard let entries = node.array else {
            reasons.append("\(name) is \(node.kindDescription), not a list")
            return []
        }
        var result: [TokenUsage.ModalityCount] = []
        for (index, entry) in entries.enumerated() {
            guard let modality = entry["modality"]?.string else { continue }
            let key = entry["tokenCount"] != nil ? "tokenCount" : "token_count"
            switch count(entry[key], name: "\(name)[\(index)].\(key)") {
            case .absent: result.append(TokenUsage.ModalityCount(modality: modality, tokens: 0))
            case .value(let tokens): result.append(TokenUsage.ModalityCount(modality: modality, tokens: tokens))
            case .invalid(let reason): reasons.append(reason)
            }
        }
        return result
    }

    /// The usage members of a response that carries its counts at the top level (not the rest of
    /// the body), to keep as its raw usage text.
    private static func usageMembers(of response: JSONNode) -> JSONNode {
        let names = Set((countKeys + detailKeys).flatMap { [$0.camel, $0.snake] })
        return JSONNode(.object((response.object ?? []).filter { names.contains($0.key) }), line: response.line)
    }

    private static func invalid(reasons: [String], raw: JSONNode, redactor: SecretRedactor) -> TokenUsage {
        var reason = reasons.prefix(3).joined(separator: "; ")
        if reasons.count > 3 { reason += "; and \(reasons.count - 3) more" }
        return TokenUsage.invalid(reason: redactor.redact(reason), rawUsageMetadata: rawText(of: raw, redactor: redactor))
    }

    /// `node` as compact JSON, redacted, then cut to ``TokenUsage/maximumRawUsageMetadataBytes``
    /// on a character boundary (redacted first, so a cut never leaves part of a secret).
    static func rawText(of node: JSONNode, redactor: SecretRedactor) -> String {
        let text = redactor.redact(node.serializedString)
        let limit = TokenUsage.maximumRawUsageMetadataBytes
        guard text.utf8.count > limit else { return text }
        let bytes = Array(text.utf8.prefix(limit))
        var end = bytes.count
        var lead = end - 1
        while lead > 0, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        let length = bytes[lead] < 0x80 ? 1 : bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : 2
        if lead + length > end { end = lead }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
