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

    /// One packet holding `parts`' bytes in order, with the first part's properties (timestamps,
    /// stream, side data: `av_packet_copy_props`), `timestamp` as its time when the first part has
    /// none, and the keyframe flag when any part has it (all slices of a keyframe are key slices;
    /// the first packet may hold only parameter sets). Nil when out of memory.
    init?(joining parts: [Packet], timestamp: Int64?) {
        guard let first = parts.first, let joined = av_packet_alloc() else { return nil }
        let total = parts.reduce(0) { $0 + $1.size }
        guard total <= Int(Int32.max), av_new_packet(joined, Int32(total)) >= 0, av_packet_copy_props(joined, first.pointer) >= 0 else {
            var doomed: UnsafeMutablePointer<AVPacket>? = joined
            av_packet_free(&doomed)
            return nil
        }
        var offset = 0
        for part in parts where part.size > 0 {
            joined.pointee.data.advanced(by: offset).update(from: part.pointer.pointee.data, count: part.size)
            offset += part.size
        }
        if let timestamp {
            if joined.pointee.pts == vigil_av_nopts_value_swift { joined.pointee.pts = timestamp }
            if joined.pointee.dts == vigil_av_nopts_value_swift { joined.pointee.dts = timestamp }
        }
        if parts.contains(where: \.isKey) { joined.pointee.flags |= AV_PKT_FLAG_KEY }
        pointer = joined
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
