/// Where a packet of an H.264 or H.265 stream in Annex B form (start codes, as RTSP and raw
/// files deliver them) stands in its picture, read from its NAL unit headers alone.
///
/// A picture (access unit) is parameter sets and SEI, then slices. Its first slice says so in
/// its first bit after the NAL header: `first_mb_in_slice` = 0 is coded as a single 1 bit in
/// H.264, and H.265 has `first_slice_segment_in_pic_flag`. So a packet whose first slice lacks that
/// bit carries more of the picture before it.
struct PictureStart: Equatable {
    enum Codec {
        case h264
        case hevc
    }

    /// The packet holds at least one slice.
    var hasSlice: Bool
    /// Its first slice is the first of a picture.
    var firstSliceStartsPicture: Bool

    init(_ bytes: UnsafeRawBufferPointer, codec: Codec) {
        hasSlice = false
        firstSliceStartsPicture = false
        let count = bytes.count
        var index = 0
        while index + 3 < count {
            // A start code 00 00 01 (a four-byte one ends the same way).
            guard bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 else {
                index += 1
                continue
            }
            let header = index + 3
            let headerLength = codec == .h264 ? 1 : 2
            guard header + headerLength < count else { return }
            let type = codec == .h264 ? Int(bytes[header] & 0x1F) : Int((bytes[header] >> 1) & 0x3F)
            let isSlice = codec == .h264 ? (1...5).contains(type) : (0...31).contains(type)
            if isSlice {
                hasSlice = true
                // H.264's data partitions B and C (types 3, 4) carry no first_mb_in_slice: never a start.
                let partition = codec == .h264 && (type == 3 || type == 4)
                firstSliceStartsPicture = !partition && bytes[header + headerLength] & 0x80 != 0
                return
            }
            index = header + headerLength
        }
    }

    init(hasSlice: Bool, firstSliceStartsPicture: Bool) {
        self.hasSlice = hasSlice
        self.firstSliceStartsPicture = firstSliceStartsPicture
    }
}
