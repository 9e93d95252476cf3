import CFFmpeg

/// libavcodec's MJPEG encoder for one image size. Not thread-safe.
///
/// Chosen over TurboJPEG by `scripts/bench-capture` (quality 80, a busy 768x432 picture):
/// TurboJPEG takes about 1 ms to MJPEG's 3.5–4, but its file is a third larger at the same PSNR,
/// because MJPEG optimises its Huffman tables (see the README's Design section).
final class JPEGEncoder {
    private let context: UnsafeMutablePointer<AVCodecContext>
    private let quality: Int32
    private var nextPTS: Int64 = 0
    let width: Int
    let height: Int

    /// `quality` 1–100 maps to MJPEG's quantiser scale 31–1 (80 → 5).
    static func qscale(forQuality quality: Int) -> Int32 {
        Int32(min(31, max(1, Int((Double(100 - quality) / 5).rounded()) + 1)))
    }

    init?(width: Int, height: Int, quality: Int) {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG), let context = avcodec_alloc_context3(codec) else { return nil }
        context.pointee.width = Int32(width)
        context.pointee.height = Int32(height)
        context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        context.pointee.color_range = AVCOL_RANGE_JPEG
        context.pointee.time_base = AVRational(num: 1, den: 25)
        context.pointee.flags |= AV_CODEC_FLAG_QSCALE
        context.pointee.thread_count = 1
        let lambda = Int32(FF_QP2LAMBDA) * Self.qscale(forQuality: quality)
        context.pointee.global_quality = lambda
        guard avcodec_open2(context, codec, nil) >= 0 else {
            var doomed: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&doomed)
            return nil
        }
        self.context = context
        self.quality = lambda
        self.width = width
        self.height = height
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = self.context
        avcodec_free_context(&context)
    }

    /// The JPEG bytes of `canvas`, or nil when the encoder refuses it.
    func encode(_ canvas: Canvas) -> [UInt8]? {
        canvas.frame.pointer.pointee.quality = quality
        canvas.frame.pointer.pointee.pts = nextPTS
        nextPTS += 1
        guard avcodec_send_frame(context, canvas.frame.pointer) >= 0 else { return nil }
        // MJPEG is intra-only: each frame in gives its packet out at once.
        let packet = Packet()
        guard avcodec_receive_packet(context, packet.pointer) >= 0, let data = packet.pointer.pointee.data else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: packet.size))
    }
}
