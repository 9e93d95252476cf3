/// How Vigil calls Gemini.
///
/// The API key is not part of the file: it comes from `GEMINI_API_KEY`, a systemd credential named
/// `gemini_api_key`, or the file named by ``apiKeyFile``.
package struct GeminiConfiguration: Sendable, Equatable {
    /// Base URL of the API, without `/v1beta`. Default the package endpoint.
    package var baseURL: String
    /// Model name, such as `gemini-2.5-flash` (the default).
    package var model: String
    /// A file holding the API key (one line), readable by the service only. Optional.
    package var apiKeyFile: String?
    /// Seconds allowed to connect. Default 10.
    package var connectTimeoutSeconds: Double
    /// Seconds allowed for a whole request. Default 60.
    package var requestTimeoutSeconds: Double
    /// Most calls in flight at once, across all cameras. Default 4.
    package var maxConcurrentRequests: Int
    /// Most attempts for one analysis, the first included, on retryable errors. Default 4.
    package var maxAttempts: Int
    /// Most output tokens per call. Default 1024.
    package var maxOutputTokens: Int
    /// Gemini 2.5 thinking budget in tokens (0 off, -1 dynamic). Default 0. Ignored by Gemini 3.
    package var thinkingBudget: Int
    /// Gemini 3 thinking level (MINIMAL, LOW, MEDIUM, HIGH). Default LOW. Ignored by Gemini 2.x.
    package var thinkingLevel: String
    /// Gemini 3 image resolution (LOW, MEDIUM, HIGH); nil leaves the model's default. A camera or
    /// group may set its own (`cameras[].media_resolution`, `groups[].media_resolution`).
    package var mediaResolution: String?
    /// The system instruction; nil uses the built-in retail and premises security prompt.
    package var systemPrompt: String?
    /// Most bytes of one response body (after decompression) Vigil reads: a longer answer is
    /// abandoned mid-transfer and the attempt fails as too large. Default 10,000,000; 1 to
    /// 1,000,000,000. A verdict answer is a few kilobytes; the bound keeps a broken or hostile
    /// server from filling memory.
    package var maxResponseBytes: Int
    /// The tier calls ask for unless their camera or group names another (`cameras[].service_tier`,
    /// `groups[].service_tier`). Default ``ServiceTier/standard``.
    package var serviceTier: ServiceTier
    /// Seconds allowed for a whole flex request, in place of ``requestTimeoutSeconds``: flex is
    /// best-effort and may take minutes to answer. Default 900; 10 to 3600.
    package var flexRequestTimeoutSeconds: Double
    /// Where a flex call goes when the API sheds it (429 or 503). ``ServiceTier/standard``: it is
    /// retried at once as a standard request, and that call is recorded and billed as standard (at
    /// full price). nil, the default: no fallback; a shed flex call is treated like any other
    /// failed call. No other tier is accepted.
    package var flexFallback: ServiceTier?

    package static let defaultBaseURL = "https://generativelanguage.googleapis.com"
    package static let defaultModel = "gemini-2.5-flash"

    package init() {
        baseURL = Self.defaultBaseURL
        model = Self.defaultModel
        apiKeyFile = nil
        connectTimeoutSeconds = 10
        requestTimeoutSeconds = 60
        maxConcurrentRequests = 4
        maxAttempts = 4
        maxOutputTokens = 1024
        thinkingBudget = 0
        thinkingLevel = "LOW"
        mediaResolution = nil
        systemPrompt = nil
        maxResponseBytes = Self.defaultMaxResponseBytes
        serviceTier = .standard
        flexRequestTimeoutSeconds = Self.defaultFlexRequestTimeoutSeconds
        flexFallback = nil
    }

    /// ``mediaResolution`` as a level; nil when it is unset (the model's default).
    package var mediaResolutionLevel: MediaResolution? { mediaResolution.flatMap(MediaResolution.init(rawValue:)) }

    /// The default of ``flexRequestTimeoutSeconds``: 900.
    package static let defaultFlexRequestTimeoutSeconds: Double = 900

    /// The default of ``maxResponseBytes``: 10,000,000.
    package static let defaultMaxResponseBytes = 10_000_000

    static let keys = [
        "base_url", "model", "api_key_file", "connect_timeout_seconds", "request_timeout_seconds",
        "max_concurrent_requests", "max_attempts", "max_output_tokens", "thinking_budget",
        "thinking_level", "media_resolution", "system_prompt", "max_response_bytes", "service_tier",
        "flex_request_timeout_seconds", "flex_fallback", "api_key",
    ]

    static func read(_ object: ConfigurationObject?) -> GeminiConfiguration {
        var result = GeminiConfiguration()
        guard let object else { return result }
        if object.has("api_key") {
            object.reader.report(
                object.path("api_key"), line: object.line("api_key"),
                "an API key does not belong in the configuration file",
                hint: "set GEMINI_API_KEY, a systemd credential gemini_api_key, or gemini.api_key_file")
        }
        if let url = object.string("base_url") {
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            if !(trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://")) || trimmed.contains("?") || trimmed.contains("@") {
                object.reader.report(
                    object.path("base_url"), line: object.line("base_url"),
                    "must be an http(s) URL without credentials or query",
                    hint: "for example \(defaultBaseURL)")
            } else if trimmed.hasSuffix("/v1beta") {
                object.reader.report(
                    object.path("base_url"), line: object.line("base_url"),
                    "must not end in /v1beta; Vigil adds the API version itself",
                    hint: "write \(trimmed.dropLast("/v1beta".count))")
            } else {
                result.baseURL = trimmed
            }
        }
        if let model = object.string("model") {
            if model.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) {
                result.model = model
            } else {
                object.reader.report(
                    object.path("model"), line: object.line("model"), "is not a model name",
                    hint: "for example gemini-2.5-flash (without the models/ prefix)")
            }
        }
        result.apiKeyFile = object.string("api_key_file")
        if let value = object.seconds("connect_timeout_seconds", in: 0.1...300) { result.connectTimeoutSeconds = value }
        if let value = object.seconds("request_timeout_seconds", in: 1...900) { result.requestTimeoutSeconds = value }
        if let value = object.integer("max_concurrent_requests", in: 1...256) { result.maxConcurrentRequests = value }
        if let value = object.integer("max_attempts", in: 1...10) { result.maxAttempts = value }
        if let value = object.integer("max_output_tokens", in: 16...65_536) { result.maxOutputTokens = value }
        if let value = object.integer("thinking_budget", in: -1...32_768) { result.thinkingBudget = value }
        if let value = object.choice("thinking_level", from: ["MINIMAL", "LOW", "MEDIUM", "HIGH"]) { result.thinkingLevel = value }
        if let value = object.choice("media_resolution", from: MediaResolution.allCases.map(\.rawValue)) { result.mediaResolution = value }
        result.systemPrompt = object.string("system_prompt")
        if let value = object.integer("max_response_bytes", in: 1...1_000_000_000) { result.maxResponseBytes = value }
        if let value = object.serviceTier("service_tier", otherwise: nil) { result.serviceTier = value }
        if let value = object.seconds("flex_request_timeout_seconds", in: 10...3600) { result.flexRequestTimeoutSeconds = value }
        if let value = object.string("flex_fallback") {
            if value == ServiceTier.standard.rawValue {
                result.flexFallback = .standard
            } else {
                object.reader.report(
                    object.path("flex_fallback"), line: object.line("flex_fallback"),
                    "is \"\(value)\"; a flex call the API sheds can only be retried at \"standard\"",
                    hint: "write \"standard\" to retry a shed flex call at full price, or remove the key for no fallback")
            }
        }
        return result
    }
}

extension ConfigurationObject {
    /// A service tier: `standard`, `flex` or `priority`. `otherwise` names the setting that applies
    /// when the key is absent (`gemini.service_tier`), for the hint; nil at the top level.
    func serviceTier(_ key: String, otherwise: String?) -> ServiceTier? {
        guard let value = string(key) else { return nil }
        if let tier = ServiceTier(rawValue: value) { return tier }
        let lowered = ServiceTier.allCases.first { $0.rawValue == value.lowercased() }
        reader.report(
            path(key), line: line(key), "is \"\(value)\", not a service tier",
            hint: (lowered.map { "write it in lower case: \"\($0.rawValue)\"; " } ?? "")
                + "use \"standard\" (full price), \"flex\" (half price, best-effort: may be shed or take minutes) "
                + "or \"priority\" (75–100 % more, served first)" + (otherwise.map { ", or remove the key to follow \($0)" } ?? ""))
        return nil
    }

    /// A media resolution: `LOW`, `MEDIUM` or `HIGH`. `otherwise` names the setting that applies
    /// when the key is absent (`gemini.media_resolution`), for the hint.
    func mediaResolution(_ key: String, otherwise: String) -> MediaResolution? {
        guard let value = string(key) else { return nil }
        if let level = MediaResolution(rawValue: value) { return level }
        let uppered = MediaResolution.allCases.first { $0.rawValue == value.uppercased() }
        reader.report(
            path(key), line: line(key), "is \"\(value)\", not a media resolution",
            hint: (uppered.map { "write it in capitals: \"\($0.rawValue)\"; " } ?? "")
                + "use \"LOW\" (280 tokens per image on Gemini 3), \"MEDIUM\" (560) or \"HIGH\" (1120), "
                + "or remove the key to follow \(otherwise)")
        return nil
    }
}
