import Foundation
package import VigilCore

/// One analysis as a sequence of attempts: each ``prepare()`` waits until the next attempt may go
/// (the retry policy's delay) and says whether one will; ``send()`` then puts it on the wire and
/// returns its report. ``next()`` does both.
///
/// The caller pulls: no attempt goes on the wire until it asks for one, so whatever it does before
/// (make an intent durable) and after (make the attempt a durable usage row) is done before the
/// next. Only attempts that reached the server are returned; one that never left (a refused
/// connection) is retried or ends the call without a report. After the last, ``outcome`` holds
/// every attempt and the verdicts or the final failure. Not shared between tasks: one analysis, one owner.
package struct GeminiCall: AsyncSequence, AsyncIteratorProtocol {
    package typealias Element = AttemptReport

    private let client: GeminiClient
    private let image: GeminiImage
    private let prompt: AnalysisPrompt
    private let deadline: Date?
    private var exchange: GeminiClient.Exchange
    /// Every attempt so far, and the verdicts or the latest failure.
    package private(set) var outcome = AnalysisOutcome(attempts: [], verdicts: nil, failure: nil)

    init(client: GeminiClient, image: GeminiImage, prompt: AnalysisPrompt, deadline: Date?, options: GeminiCallOptions) {
        self.client = client
        self.image = image
        self.prompt = prompt
        self.deadline = deadline
        self.exchange = GeminiClient.Exchange(options: options)
    }

    /// The tier the next attempt asks for (standard after a shed flex call falls back).
    package var requestedTier: ServiceTier { exchange.options.tier }

    /// Waits until the next attempt may be sent; false when the analysis is over.
    package mutating func prepare() async -> Bool {
        await client.prepareAttempt(&exchange, outcome: &outcome)
    }

    /// Sends the attempt ``prepare()`` allowed; its report, or nil when it never reached the server.
    package mutating func send() async -> AttemptReport? {
        await client.sendAttempt(&exchange, image: image, prompt: prompt, deadline: deadline, outcome: &outcome)
    }

    /// Ends the analysis without sending what ``prepare()`` allowed, for `failure`.
    package mutating func abandon(_ failure: GeminiFailure) {
        outcome.failure = failure
        exchange.finish()
    }

    /// Sends the next attempt and returns its report; nil when the analysis is over.
    package mutating func next() async -> AttemptReport? {
        while await prepare() {
            if let report = await send() { return report }
        }
        return nil
    }

    package func makeAsyncIterator() -> GeminiCall { self }
}
