import CFFmpeg

/// A video decoder for one stream's codec parameters, single-threaded (one thread per camera is
/// plenty at the rates Vigil samples). Not thread-safe.
final class Decoder {
    private let context: UnsafeMutablePointer<AVCodecContext>
    let codecName: String

    /// Opens a decoder for `parameters`; nil with a reason when FFmpeg has none or refuses.
    ///
    /// - Parameter forSample: the decoder decodes lone keyframes that are then shrunk for a sample:
    ///   the deblocking filter is skipped and FFmpeg's non-spec-compliant speedups are allowed. With
    ///   no later frame predicting from the result, nothing can drift; after a 2.5× downscale the
    ///   difference is invisible, and the decode is about a quarter cheaper.
    static func make(parameters: UnsafePointer<AVCodecParameters>, forSample: Bool = false) -> Result<Decoder, CaptureError> {
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            return .failure(CaptureError(kind: .unsupported, message: "no decoder for codec id \(parameters.pointee.codec_id.rawValue)"))
        }
        guard let context = avcodec_alloc_context3(codec) else {
            return .failure(CaptureError(kind: .failed, message: "cannot allocate a decoder"))
        }
        var result = avcodec_parameters_to_context(context, parameters)
        if result >= 0 {
            context.pointee.thread_count = 1
            if forSample {
                context.pointee.skip_loop_filter = AVDISCARD_ALL
                context.pointee.flags2 |= AV_CODEC_FLAG2_FAST
            }
            result = avcodec_open2(context, codec, nil)
        }
        guard result >= 0 else {
            var doomed: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&doomed)
            return .failure(
                CaptureError(
                    kind: .unsupported, message: "cannot open the \(String(cString: codec.pointee.name)) decoder: \(ffmpegMessage(result))")
            )
        }
        return .success(Decoder(context: context, codecName: String(cString: codec.pointee.name)))
    }

    private init(context: UnsafeMutablePointer<AVCodecContext>, codecName: String) {
        self.context = context
        self.codecName = codecName
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = self.context
        avcodec_free_context(&context)
    }

    /// Feeds one packet and returns the frames it completes (usually zero or one).
    func decode(_ packet: Packet) -> [Frame] {
        guard avcodec_send_packet(context, packet.pointer) >= 0 else { return [] }
        return receiveAll()
    }

    /// Decodes a picture on its own (a keyframe, all of it in one packet): feeds it, drains, and
    /// resets, so the decoder is ready for the next one. Returns the last frame produced.
    func decodeAlone(_ packet: Packet) -> Frame? {
        var frames: [Frame] = []
        if avcodec_send_packet(context, packet.pointer) >= 0 { frames += receiveAll() }
        if avcodec_send_packet(context, nil) >= 0 { frames += receiveAll() }
        avcodec_flush_buffers(context)
        return frames.last
    }

    private func receiveAll() -> [Frame] {
        var frames: [Frame] = []
        while true {
            let frame = Frame()
            guard avcodec_receive_frame(context, frame.pointer) >= 0 else { break }
            frames.append(frame)
        }
        return frames
    }
}
