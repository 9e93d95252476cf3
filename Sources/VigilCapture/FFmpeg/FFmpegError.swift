import CFFmpeg

/// FFmpeg's text for an error code (`Connection refused`, `Server returned 401 Unauthorized ...`).
func ffmpegMessage(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) != 0 { return "FFmpeg error \(code)" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// FFmpeg's own logging goes nowhere: its lines can echo stream URLs with their passwords. Errors
/// reach the operator through return codes, turned into redacted ``CaptureError`` messages.
enum FFmpegLogging {
    static let silenced: Void = { av_log_set_level(AV_LOG_QUIET) }()
}

/// `AV_NOPTS_VALUE`, read once.
let vigil_av_nopts_value_swift: Int64 = vigil_av_nopts_value()
