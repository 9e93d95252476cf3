/// One picture's packets joined into one packet (see ``AccessUnitAssembler``), and whether all of
/// its beginning arrived.
struct AccessUnit {
    /// The picture's bytes.
    let packet: Packet
    /// False when the unit's first slice is not the first of its picture: the packets before it
    /// were never received. That happens when a session joins a stream in the middle of a picture
    /// (an RTSP server sends the next packet it has, which can be a keyframe's second slice) or when
    /// the network loses them. Decoded, such a unit is a picture with its top part concealed, so it
    /// is not decoded at all; the next whole keyframe replaces it.
    let isWhole: Bool
}
