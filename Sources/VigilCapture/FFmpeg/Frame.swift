import CFFmpeg

/// An owned `AVFrame` (freed in `deinit`).
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        pointer = av_frame_alloc()
    }

    /// A new reference to `other`'s buffers.
    init?(referencing other: Frame) {
        guard let clone = av_frame_clone(other.pointer) else { return nil }
        pointer = clone
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFrame>? = self.pointer
        av_frame_free(&pointer)
    }

    var width: Int { Int(pointer.pointee.width) }
    var height: Int { Int(pointer.pointee.height) }
    /// Whether the decoder reported errors in it (missing or broken parts it concealed).
    var isDamaged: Bool { pointer.pointee.decode_error_flags != 0 }
    var isKey: Bool { vigil_frame_is_key(pointer) != 0 || pointer.pointee.pict_type == AV_PICTURE_TYPE_I }
}
