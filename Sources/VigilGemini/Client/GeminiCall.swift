import Foundation

/// One analysis as a sequence of attempts: each `next()` sends one request to Gemini (waiting first
/// when the retry policy asks for it) and returns its report, or nil when no attempt follows.
///
/// The caller pulls: no attempt goes on the wire until it asks for one, so whatever it does with
/// an attempt (make it a durable usage row) is done before the next. Only attempts that reached the
/// server are returned; one that never left (a refused connection) is retried or ends the call
/// without a report. After the last, ``outcome`` holds every attempt and the verdicts or the final
/// failure. Not shared between tasks: one analysis, one owner.
package struct GeminiCall: AsyncSequence, AsyncIteratorProtocol {
    package typealias Element = AttemptReport

    private let client: GeminiClient
    private let image: GeminiImage
    private let prompt: AnalysisPrompt
    private let deadline: Date?
    private var exchange = GeminiClient.Exchange()
    /// Every attempt so far, and the verdicts or the latest failure.
    package private(set) var outcome = AnalysisOutcome(attempts: [], verdicts: nil, failure: nil)

    init(client: GeminiClient, image: GeminiImage, prompt: AnalysisPrompt, deadline: Date?) {
        self.client = client
        self.image = image
        self.prompt = prompt
        self.deadline = deadline
    }

    /// Sends the next attempt and returns its report; nil when the analysis is over.
    package mutating func next() async -> AttemptReport? {
        await client.nextAttempt(&exchange, image: image, prompt: prompt, deadline: deadline, outcome: &outcome)
    }

    package func makeAsyncIterator() -> GeminiCall { self }
}
