import CFFmpeg

/// Gathers the packets of one picture (an access unit) into one packet for the decoder.
///
/// A camera may send a picture as several packets: a keyframe's slices, or parameter sets repeated
/// before each slice (GStreamer and many cameras do this; FFmpeg's H.264 parser then splits the
/// picture at each parameter set). Fed one packet at a time, a decoder makes a picture of each and
/// conceals what is missing from it: measured on a 1080p keyframe in two slices, the last picture
/// lacked its top half, and concealing cost 20 ms instead of 4.
///
/// Where a picture starts is read from the slices themselves (``PictureStart``), not from
/// timestamps: the first packet of an RTSP session has none, and a raw `.h264` file gives each
/// packet a time of its own. A unit is complete when the next one starts, so it is handed on one
/// frame interval (40 ms at 25 fps) after its first packet. Only H.264 and H.265 in Annex B form
/// split pictures this way; a container's packets (MP4's length-prefixed samples) and every other
/// codec's are whole pictures, handed on at once.
///
/// A unit whose first slice does not start a picture lacks its beginning and says so
/// (``AccessUnit/isWhole``): its first packets were lost, or the session began in the middle of it.
final class AccessUnitAssembler {
    /// More parts than this are not a picture but a stream whose slices never say where one starts.
    static let maximumParts = 256

    private let codec: PictureStart.Codec?
    private var parts: [Packet] = []
    private var hasSlice = false
    /// The unit's first slice, once it has one, is the first of its picture.
    private var startsPicture = true

    /// An assembler for a stream with these codec parameters.
    init(parameters: UnsafePointer<AVCodecParameters>) {
        let id = parameters.pointee.codec_id
        let codec: PictureStart.Codec? = id == AV_CODEC_ID_H264 ? .h264 : id == AV_CODEC_ID_HEVC ? .hevc : nil
        // avcC and hvcC configuration records (MP4, Matroska) begin with version 1; Annex B with a start code.
        let extradata = parameters.pointee.extradata
        let lengthPrefixed = parameters.pointee.extradata_size > 0 && extradata?.pointee == 1
        self.codec = lengthPrefixed ? nil : codec
    }

    /// Whether a packet continues the unit being gathered: the unit has no slice yet (only
    /// parameter sets or SEI), or the packet's first slice is not the first of a picture.
    static func continues(unitHasSlice: Bool, packet: PictureStart) -> Bool {
        !unitHasSlice || (packet.hasSlice && !packet.firstSliceStartsPicture)
    }

    /// Takes a reference to `packet`; returns the unit it completes, if any.
    ///
    /// For streams that do not split pictures, `packet` itself (a new reference) is the unit.
    func add(_ packet: Packet) -> AccessUnit? {
        guard let codec, let data = packet.pointer.pointee.data else {
            return Packet(referencing: packet).map { AccessUnit(packet: $0, isWhole: true) }
        }
        let start = PictureStart(UnsafeRawBufferPointer(start: data, count: packet.size), codec: codec)
        if !parts.isEmpty, parts.count < Self.maximumParts, Self.continues(unitHasSlice: hasSlice, packet: start) {
            if let reference = Packet(referencing: packet) { parts.append(reference) }
            if !hasSlice && start.hasSlice { startsPicture = start.firstSliceStartsPicture }
            hasSlice = hasSlice || start.hasSlice
            return nil
        }
        let complete = flush()
        if let reference = Packet(referencing: packet) { parts = [reference] }
        hasSlice = start.hasSlice
        startsPicture = !start.hasSlice || start.firstSliceStartsPicture
        return complete
    }

    /// The unit gathered so far, joined into one packet; forgets it.
    func flush() -> AccessUnit? {
        defer {
            parts = []
            hasSlice = false
            startsPicture = true
        }
        // A unit of parameter sets alone (no slice) is not a picture but is passed on as before.
        let isWhole = startsPicture
        if parts.count <= 1 { return parts.first.map { AccessUnit(packet: $0, isWhole: isWhole) } }
        return Packet(joining: parts, timestamp: parts.lazy.compactMap(\.timestamp).first).map { AccessUnit(packet: $0, isWhole: isWhole) }
    }
}
