/// How one source's analysis ended.
package enum AnalysisRun: Sendable {
    /// The image could not be made (a decoder or encoder failed): nothing was sent.
    case imageFailed(String)
    /// No camera of the source had a fresh frame: nothing was sent.
    case noFrame
    /// A stage kept the sample from being sent, for this reason.
    case held(String)
    /// The call was made (or refused before any request, as while a daily quota pauses calls).
    case completed(CompletedAnalysis)
}
