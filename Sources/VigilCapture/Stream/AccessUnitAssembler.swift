import CFFmpeg

/// Gathers the packets of one picture (an access unit) into one packet for the decoder.
///
/// A camera may send a picture as several packets with one timestamp: a keyframe's slices, or
/// parameter sets repeated before each slice (GStreamer and many cameras do this; FFmpeg's H.264
/// parser then splits the picture at each parameter set). Fed one packet at a time, a decoder
/// makes a picture of each and conceals what is missing from it: measured on a 1080p keyframe in
/// two slices, the last picture lacked its top half, and concealing cost 20 ms instead of 4.
///
/// A unit is complete when the next one starts, so it is handed on one frame interval (40 ms at
/// 25 fps) after its first packet. Only H.264 and H.265 split pictures this way; every other
/// codec's packet is a unit of its own and is handed on at once.
final class AccessUnitAssembler {
    /// More parts than this are not a picture but a stream without usable timestamps.
    static let maximumParts = 256

    private let splitsPictures: Bool
    private var parts: [Packet] = []
    private var timestamp: Int64?

    init(codec: AVCodecID) {
        splitsPictures = codec == AV_CODEC_ID_H264 || codec == AV_CODEC_ID_HEVC
    }

    /// Whether a packet continues the unit being gathered.
    ///
    /// Parts share a timestamp. The first packet of an RTSP session has none (FFmpeg knows the
    /// stream's clock only from the second); a keyframe's next part then supplies it.
    static func continues(unitTimestamp: Int64?, unitIsKey: Bool, packetTimestamp: Int64?, packetIsKey: Bool) -> Bool {
        guard let packetTimestamp else { return false }
        guard let unitTimestamp else { return unitIsKey && packetIsKey }
        return packetTimestamp == unitTimestamp
    }

    /// Takes a reference to `packet`; returns the unit it completes (one packet), if any.
    ///
    /// For codecs that do not split pictures, `packet` itself (a new reference) is the unit.
    func add(_ packet: Packet) -> Packet? {
        guard splitsPictures else { return Packet(referencing: packet) }
        if let first = parts.first, parts.count < Self.maximumParts,
           Self.continues(unitTimestamp: timestamp, unitIsKey: first.isKey, packetTimestamp: packet.timestamp, packetIsKey: packet.isKey) {
            if let reference = Packet(referencing: packet) { parts.append(reference) }
            timestamp = timestamp ?? packet.timestamp
            return nil
        }
        let complete = flush()
        if let reference = Packet(referencing: packet) { parts = [reference] }
        timestamp = packet.timestamp
        return complete
    }

    /// The unit gathered so far, as one packet; forgets it.
    func flush() -> Packet? {
        defer {
            parts = []
            timestamp = nil
        }
        if parts.count <= 1 { return parts.first }
        return Packet(joining: parts, timestamp: timestamp)
    }
}
