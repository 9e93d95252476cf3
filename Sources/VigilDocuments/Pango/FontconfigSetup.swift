import CCairo

/// fontconfig's process-wide configuration, loaded once before the first document.
///
/// pango 1.50 loads it on a thread of its own ("[pango] FcInit") when its first font map is made,
/// and waits for that thread before it uses fontconfig; a call to fontconfig from anything else in
/// the process at that moment would race with it. Loading it here first, once (Swift runs a static
/// initialiser exactly once, whatever the threads), makes pango's own call a no-op.
enum FontconfigSetup {
    /// Whether fontconfig loaded its configuration.
    static let loaded: Bool = FcInit() != 0
}
