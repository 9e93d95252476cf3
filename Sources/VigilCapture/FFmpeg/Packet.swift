import CFFmpeg

/// An owned `AVPacket` (freed in `deinit`). References share the payload buffer, not a copy.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        pointer = av_packet_alloc()
    }

    /// A new reference to `other`'s data, or nil when FFmpeg cannot make one.
    init?(referencing other: Packet) {
        guard let clone = av_packet_clone(other.pointer) else { return nil }
        pointer = clone
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVPacket>? = self.pointer
        av_packet_free(&pointer)
    }

    var isKey: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }
    var streamIndex: Int32 { pointer.pointee.stream_index }
    var pts: Int64 { pointer.pointee.pts }
    var dts: Int64 { pointer.pointee.dts }
    var size: Int { Int(pointer.pointee.size) }
    /// The presentation time, else the decoding time; nil when the packet has neither.
    var timestamp: Int64? {
        if pts != vigil_av_nopts_value_swift { return pts }
        if dts != vigil_av_nopts_value_swift { return dts }
        return nil
    }

    func unreference() { av_packet_unref(pointer) }
}
