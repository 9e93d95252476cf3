package import VigilCore

/// Reads token counts out of a generateContent response, in every form they are found.
///
/// Accepts the REST form (`usageMetadata.promptTokenCount`), the snake_case form of older clients
/// and logs (`usage_metadata.prompt_token_count`), and counts at the top level of the object. A
/// count that is absent is 0; a missing `totalTokenCount` is computed from the parts.
package enum UsageMetadataParser {
    /// The usage of `response`, or nil when it carries no token count at all.
    package static func usage(in response: JSONNode) -> TokenUsage? {
        let metadata = response.first("usageMetadata", "usage_metadata") ?? response
        func count(_ camel: String, _ snake: String) -> Int? { metadata.first(camel, snake)?.int }
        let prompt = count("promptTokenCount", "prompt_token_count")
        let cached = count("cachedContentTokenCount", "cached_content_token_count")
        let candidates = count("candidatesTokenCount", "candidates_token_count")
        let thoughts = count("thoughtsTokenCount", "thoughts_token_count")
        let toolUse = count("toolUsePromptTokenCount", "tool_use_prompt_token_count")
        let total = count("totalTokenCount", "total_token_count")
        guard [prompt, cached, candidates, thoughts, toolUse, total].contains(where: { $0 != nil }) else { return nil }
        return TokenUsage(
            promptTokens: prompt ?? 0, cachedTokens: cached ?? 0, candidatesTokens: candidates ?? 0,
            thoughtsTokens: thoughts ?? 0, toolUsePromptTokens: toolUse ?? 0, totalTokens: total,
            promptDetails: details(metadata.first("promptTokensDetails", "prompt_tokens_details")),
            cacheDetails: details(metadata.first("cacheTokensDetails", "cache_tokens_details")),
            candidatesDetails: details(metadata.first("candidatesTokensDetails", "candidates_tokens_details")),
            toolUsePromptDetails: details(metadata.first("toolUsePromptTokensDetails", "tool_use_prompt_tokens_details")),
            modelVersion: response.first("modelVersion", "model_version")?.string,
            responseID: response.first("responseId", "response_id")?.string)
    }

    private static func details(_ node: JSONNode?) -> [TokenUsage.ModalityCount] {
        (node?.array ?? []).compactMap { entry in
            guard let modality = entry["modality"]?.string else { return nil }
            return TokenUsage.ModalityCount(modality: modality, tokens: entry.first("tokenCount", "token_count")?.int ?? 0)
        }
    }
}
