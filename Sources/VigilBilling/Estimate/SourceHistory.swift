/// What the database measured of one source over the history window: its calls (attempts, one
/// `api_usage` row each) with their tokens, and the samples the scene-change gate kept from Gemini.
package struct SourceHistory: Sendable, Equatable {
    /// Which source: the configuration's client id, the source id and its kind (`camera`, `group`).
    package struct Key: Sendable, Hashable {
        package var client: String
        package var source: String
        package var kind: String

        package init(client: String, source: String, kind: String) {
            self.client = client
            self.source = source
            self.kind = kind
        }
    }

    /// Calls (attempts), successful or not.
    package var calls: Int
    /// Calls that failed (`success` false).
    package var failed: Int
    /// Calls whose usage was invalid (no tokens known): left out of the tokens per call.
    package var invalid: Int
    /// Token sums of the calls.
    package var prompt: Int
    package var cached: Int
    package var completion: Int
    package var thoughts: Int
    package var toolUse: Int
    /// Samples the scene-change gate kept from Gemini.
    package var skipped: Int

    package init(
        calls: Int = 0, failed: Int = 0, invalid: Int = 0, prompt: Int = 0, cached: Int = 0, completion: Int = 0, thoughts: Int = 0,
        toolUse: Int = 0, skipped: Int = 0
    ) {
        self.calls = calls
        self.failed = failed
        self.invalid = invalid
        self.prompt = prompt
        self.cached = cached
        self.completion = completion
        self.thoughts = thoughts
        self.toolUse = toolUse
        self.skipped = skipped
    }

    /// Calls whose tokens are known: the ones tokens per call are averaged over.
    package var countedCalls: Int { max(0, calls - invalid) }

    /// Failed calls ÷ calls.
    package var failureRate: EstimateRatio { EstimateRatio(failed, of: calls) }

    /// Samples the gate skipped ÷ (those + calls).
    package var skipRate: EstimateRatio { EstimateRatio(skipped, of: skipped + calls) }
}
