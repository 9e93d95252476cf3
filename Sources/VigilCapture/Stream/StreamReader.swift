import CFFmpeg
import Foundation
import VigilCore

/// An open input (RTSP stream or file) and its video stream. Blocking: use on the camera's thread.
///
/// Every blocking call is bounded by the ``Interrupter``: opening by the open timeout, each read by
/// the stall timeout, and all of them by a stop.
final class StreamReader {
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let interrupter: Interrupter
    /// The video stream's index.
    let videoStream: Int32
    /// The video stream's codec parameters (owned by the context).
    let parameters: UnsafeMutablePointer<AVCodecParameters>
    /// Seconds per `pts` unit of the video stream.
    let timeBase: Double
    /// `h264 1920x1080`, or just the codec when the stream did not announce its size.
    let description: String
    let isFile: Bool

    /// Opens `url`; on failure, a ``CaptureError`` whose message names the URL without its password.
    static func open(
        url: StreamURL, transport: CaptureConfiguration.Transport, openTimeout: Double, socketTimeout: Double,
        interrupter: Interrupter
    ) -> Result<StreamReader, CaptureError> {
        _ = FFmpegLogging.silenced
        guard let context = avformat_alloc_context() else {
            return .failure(CaptureError(kind: .failed, message: "cannot allocate an input for \(url.redacted)"))
        }
        context.pointee.interrupt_callback = AVIOInterruptCB(
            callback: { opaque in
                Unmanaged<Interrupter>.fromOpaque(opaque!).takeUnretainedValue().shouldInterrupt() ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(interrupter).toOpaque())
        var options: OpaquePointer?
        if !url.isFile {
            av_dict_set(&options, "rtsp_transport", transport.rawValue, 0)
            av_dict_set(&options, "timeout", String(Int64(socketTimeout * 1_000_000)), 0)
            if transport == .udp { av_dict_set(&options, "reorder_queue_size", "64", 0) }
        }
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        interrupter.arm(seconds: openTimeout)
        let result = avformat_open_input(&opened, url.isFile ? url.path : url.urlWithCredentials, nil, &options)
        av_dict_free(&options)
        guard result >= 0, let opened else {
            // avformat_open_input frees the context on failure.
            return .failure(openError(result, url: url, timeout: openTimeout, interrupter: interrupter))
        }
        if url.isFile {
            interrupter.arm(seconds: openTimeout)
            let info = avformat_find_stream_info(opened, nil)
            if info < 0 {
                var doomed: UnsafeMutablePointer<AVFormatContext>? = opened
                avformat_close_input(&doomed)
                return .failure(CaptureError(kind: .unsupported, message: "cannot read \(url.redacted): \(ffmpegMessage(info))"))
            }
        }
        let index = av_find_best_stream(opened, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard index >= 0, let stream = opened.pointee.streams[Int(index)], let parameters = stream.pointee.codecpar,
            parameters.pointee.codec_id != AV_CODEC_ID_NONE
        else {
            var doomed: UnsafeMutablePointer<AVFormatContext>? = opened
            avformat_close_input(&doomed)
            return .failure(CaptureError(kind: .unsupported, message: "\(url.redacted) has no video stream FFmpeg can decode"))
        }
        // Only the video stream is read; the others (audio, data) are dropped by the demuxer.
        for other in 0..<Int(opened.pointee.nb_streams) where other != Int(index) {
            opened.pointee.streams[other]?.pointee.discard = AVDISCARD_ALL
        }
        let codec = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        let timeBase = Double(stream.pointee.time_base.num) / Double(max(1, stream.pointee.time_base.den))
        return .success(
            StreamReader(
                context: opened, interrupter: interrupter, videoStream: index, parameters: parameters,
                timeBase: timeBase,
                description: parameters.pointee.width > 0 ? "\(codec) \(parameters.pointee.width)x\(parameters.pointee.height)" : codec,
                isFile: url.isFile))
    }

    private init(
        context: UnsafeMutablePointer<AVFormatContext>, interrupter: Interrupter, videoStream: Int32,
        parameters: UnsafeMutablePointer<AVCodecParameters>, timeBase: Double, description: String, isFile: Bool
    ) {
        self.context = context
        self.interrupter = interrupter
        self.videoStream = videoStream
        self.parameters = parameters
        self.timeBase = timeBase
        self.description = description
        self.isFile = isFile
    }

    deinit {
        close()
    }

    /// Closes the input (sends RTSP TEARDOWN); bounded by a short deadline so a dead server cannot hold it.
    func close() {
        guard context != nil else { return }
        interrupter.arm(seconds: 1)
        avformat_close_input(&context)
    }

    /// How late FFmpeg may notice an interrupt: its network reads wait in `poll()` slices of 100 ms
    /// (`POLLING_TIME` in libavformat/network.c) and ask the callback between them. Measured before
    /// the stall clock allowed for it: a stall on a 6 s timeout was reported 5.85–6.06 s after the
    /// server froze.
    static let interruptLatency = 0.1

    /// The outcome of one read.
    enum ReadResult {
        case packet
        case endOfFile
        case stalled
        case stopped
        case failed(String)
    }

    /// Reads the next video packet into `packet`, waiting at most `stallTimeout` seconds for it.
    ///
    /// The stall clock starts once, here: packets of other streams and `EAGAIN` returns do not
    /// restart it.
    func read(into packet: Packet, stallTimeout: Double) -> ReadResult {
        guard let context else { return .failed("the input is closed") }
        interrupter.arm(seconds: stallTimeout)
        while true {
            let result = av_read_frame(context, packet.pointer)
            if result >= 0 && interrupter.deadlinePassed && !interrupter.isStopped {
                // Interrupted, the RTSP demuxer hands out the RTP packets it still held: old data,
                // not a sign of life. Taking it as one restarted the stall clock (measured: a
                // stall noticed after 12 s, not 6).
                packet.unreference()
                return .stalled
            }
            if result >= 0 {
                if packet.streamIndex == videoStream { return .packet }
                packet.unreference()
                continue
            }
            if interrupter.isStopped { return .stopped }
            if result == vigil_averror_eof() { return .endOfFile }
            if result == vigil_averror_exit() || interrupter.deadlinePassed { return .stalled }
            if result == vigil_averror(EAGAIN) {
                usleep(5_000)  // the stall clock keeps running; do not spin meanwhile
                continue
            }
            return .failed(ffmpegMessage(result))
        }
    }

    /// Back to the start of a file, for looping.
    func rewind() -> Bool {
        guard let context else { return false }
        return avformat_seek_file(context, -1, Int64.min, 0, 0, 0) >= 0
    }

    private static func openError(_ code: Int32, url: StreamURL, timeout: Double, interrupter: Interrupter) -> CaptureError {
        let target = url.redacted
        if interrupter.isStopped { return CaptureError(kind: .failed, message: "opening \(target) was cancelled") }
        if code == vigil_averror_exit() || interrupter.deadlinePassed {
            return CaptureError(
                kind: .unreachable, message: "\(target) did not answer within \(Self.format(timeout)) s — check the host, port and firewall"
            )
        }
        if code == vigil_averror_http_unauthorized() {
            return CaptureError(
                kind: .unauthorized,
                message: "\(target) refused the credentials (RTSP 401 Unauthorized) — check the user name and password in the camera's url")
        }
        if code == vigil_averror_http_not_found() {
            return CaptureError(
                kind: .notFound, message: "\(target) does not exist on the server (RTSP 404 Not Found) — check the stream path")
        }
        if code == vigil_averror(ECONNREFUSED) {
            return CaptureError(
                kind: .unreachable,
                message:
                    "nothing accepts connections at \(target) (connection refused) — check the host and port, and that the camera is on")
        }
        if code == vigil_averror(ENOENT) && url.isFile {
            return CaptureError(kind: .notFound, message: "the file \(target) does not exist")
        }
        if [EHOSTUNREACH, ENETUNREACH, ETIMEDOUT].map({ vigil_averror($0) }).contains(code) {
            return CaptureError(
                kind: .unreachable, message: "\(target) is unreachable (\(ffmpegMessage(code))) — check the network path to the camera")
        }
        return CaptureError(kind: .failed, message: "cannot open \(target): \(ffmpegMessage(code))")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
