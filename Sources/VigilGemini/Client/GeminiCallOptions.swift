package import VigilCore

/// What one source's calls ask for beyond the client's configuration: the service tier and the
/// image's media resolution (camera's or group's setting, else `gemini.*`).
package struct GeminiCallOptions: Sendable, Equatable {
    /// The tier requested. A flex call waits on connection slots of its own (so it never holds one
    /// a standard call needs) and has `gemini.flex_request_timeout_seconds`.
    package var tier: ServiceTier
    /// Sent on the image's part (Gemini 3 models only); nil leaves the model's default.
    package var mediaResolution: MediaResolution?

    package init(tier: ServiceTier = .standard, mediaResolution: MediaResolution? = nil) {
        self.tier = tier
        self.mediaResolution = mediaResolution
    }
}
