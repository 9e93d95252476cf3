import CFFmpeg
import VigilCore

/// A picture being composed: 4:2:0 full-range YUV (what the JPEG encoder wants), black to start.
final class Canvas {
    let frame = Frame()
    var width: Int { frame.width }
    var height: Int { frame.height }

    init?(width: Int, height: Int) {
        // libswscale's SIMD output may write past the end of a row and of a plane: allocate 64
        // columns and 4 rows of slack, then state the real size.
        frame.pointer.pointee.width = Int32(width + 64)
        frame.pointer.pointee.height = Int32(height + 4)
        frame.pointer.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        frame.pointer.pointee.color_range = AVCOL_RANGE_JPEG
        guard av_frame_get_buffer(frame.pointer, 64) >= 0 else { return nil }
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        fillBlack()
    }

    /// Black: luma 0, chroma 128 (full range).
    func fillBlack() {
        let f = frame.pointer.pointee
        memset(f.data.0!, 0, Int(f.linesize.0) * height)
        memset(f.data.1!, 128, Int(f.linesize.1) * (height + 1) / 2)
        memset(f.data.2!, 128, Int(f.linesize.2) * (height + 1) / 2)
    }

    /// Scales `source` into `rect` (even offsets and size) with `scaler`.
    func draw(_ source: Frame, in rect: ImageLayout.Rect, with scaler: Scaler) -> Bool {
        let f = frame.pointer.pointee
        let destination: [UnsafeMutablePointer<UInt8>?] = [
            f.data.0.map { $0 + rect.y * Int(f.linesize.0) + rect.x },
            f.data.1.map { $0 + rect.y / 2 * Int(f.linesize.1) + rect.x / 2 },
            f.data.2.map { $0 + rect.y / 2 * Int(f.linesize.2) + rect.x / 2 },
            nil,
        ]
        let strides: [Int32] = [f.linesize.0, f.linesize.1, f.linesize.2, 0]
        return scaler.scale(source, width: rect.width, height: rect.height, into: destination, strides: strides)
    }
}
