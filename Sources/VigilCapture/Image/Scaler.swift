import CFFmpeg

/// A libswscale context for one camera, re-made only when its input or output size changes.
/// Converts to full-range 4:2:0 with bilinear filtering. Not thread-safe.
final class Scaler {
    private var context: OpaquePointer?

    deinit {
        sws_freeContext(context)
    }

    func scale(_ source: Frame, width: Int, height: Int, into planes: [UnsafeMutablePointer<UInt8>?], strides: [Int32]) -> Bool {
        let s = source.pointer.pointee
        guard s.width > 0, s.height > 0 else { return false }
        let format = AVPixelFormat(rawValue: s.format)
        context = sws_getCachedContext(
            context, s.width, s.height, format, Int32(width), Int32(height),
            AV_PIX_FMT_YUV420P, SWS_BILINEAR, nil, nil, nil)
        guard let context else { return false }
        let fullRangeSource: Int32 =
            (s.color_range == AVCOL_RANGE_JPEG || format == AV_PIX_FMT_YUVJ420P
                || format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P) ? 1 : 0
        let coefficients = sws_getCoefficients(SWS_CS_DEFAULT)
        _ = sws_setColorspaceDetails(context, coefficients, fullRangeSource, coefficients, 1, 0, 1 << 16, 1 << 16)
        let sourcePlanes: [UnsafePointer<UInt8>?] = [
            s.data.0.map { UnsafePointer($0) }, s.data.1.map { UnsafePointer($0) },
            s.data.2.map { UnsafePointer($0) }, s.data.3.map { UnsafePointer($0) },
        ]
        let sourceStrides: [Int32] = [s.linesize.0, s.linesize.1, s.linesize.2, s.linesize.3]
        return sws_scale(context, sourcePlanes, sourceStrides, 0, s.height, planes, strides) > 0
    }
}
