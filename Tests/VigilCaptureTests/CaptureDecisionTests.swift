import CFFmpeg
import Testing
import VigilCore

@testable import VigilCapture

/// Capture's decisions and parsing, with no server: decode mode, read pause, tile layout, and how
/// packets are joined into pictures (synthetic packets through the real FFmpeg types).
@Suite struct CaptureDecisionTests {
    @Test func decodeModeFollowsIntervalAndGOP() {
        #expect(DecodeMode.choose(interval: 5, keyframeInterval: 2) == .keyframes)
        #expect(DecodeMode.choose(interval: 0.5, keyframeInterval: 2) == .allFrames)
        #expect(DecodeMode.choose(interval: 2, keyframeInterval: 2) == .keyframes)
    }

    @Test func readersRestLongerWhenSamplesAreRarerAndNotAtAllOverUDP() {
        #expect(ReadPause.seconds(samplingInterval: 5, transport: .tcp) == 0.2)
        #expect(ReadPause.seconds(samplingInterval: 60, transport: .tcp) == 0.2)
        #expect(ReadPause.seconds(samplingInterval: 0.5, transport: .tcp) == 0.02)
        #expect(ReadPause.seconds(samplingInterval: 5, transport: .udp) == 0)
        #expect(ReadPause.seconds(samplingInterval: 0, transport: .tcp) == 0)
    }

    @Test func layoutMathIsEvenAndCentred() {
        #expect(ImageLayout.single(width: 1920, height: 1080, maxSide: 768) == (768, 432, .init(x: 0, y: 0, width: 768, height: 432)))
        #expect(ImageLayout.single(width: 1080, height: 1920, maxSide: 768).width == 432)
        #expect(ImageLayout.single(width: 640, height: 480, maxSide: 768).width == 640)
        let fitted = ImageLayout.fit(width: 640, height: 480, into: ImageLayout.quadrant(2, maxSide: 768))
        #expect(fitted == .init(x: 96, y: 432, width: 576, height: 432))
        let wide = ImageLayout.fit(width: 2560, height: 1080, into: ImageLayout.quadrant(1, maxSide: 768))
        #expect(wide.width == 768 && wide.height % 2 == 0 && wide.y % 2 == 0 && wide.height < 432)
    }
    static func pictureStart(_ bytes: [UInt8], _ codec: PictureStart.Codec) -> PictureStart {
        bytes.withUnsafeBytes { PictureStart($0, codec: codec) }
    }

    @Test func slicesSayWhereAPictureStarts() {
        // H.264: AUD, SPS, PPS, then an IDR slice with first_mb_in_slice = 0 (its first bit set).
        let first: [UInt8] = [0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x67, 0x64, 0, 0x28, 0, 0, 1, 0x68, 0xEE, 0, 0, 1, 0x65, 0x88, 0x84]
        #expect(Self.pictureStart(first, .h264) == PictureStart(hasSlice: true, firstSliceStartsPicture: true))
        // Parameter sets repeated, then the second slice (first_mb_in_slice = 4080: leading zero bits).
        let second: [UInt8] = [0, 0, 0, 1, 0x67, 0x64, 0, 0x28, 0, 0, 1, 0x68, 0xEE, 0, 0, 1, 0x65, 0x00, 0x0F, 0xF1]
        #expect(Self.pictureStart(second, .h264) == PictureStart(hasSlice: true, firstSliceStartsPicture: false))
        // Parameter sets alone; a P slice starting a picture.
        #expect(
            Self.pictureStart([0, 0, 1, 0x67, 0x64, 0, 0, 1, 0x68, 0xEE], .h264)
                == PictureStart(hasSlice: false, firstSliceStartsPicture: false))
        #expect(Self.pictureStart([0, 0, 1, 0x41, 0x9A], .h264).firstSliceStartsPicture)
        // H.265: VPS (type 32), then an IDR_W_RADL slice (type 19) with or without first_slice_segment_in_pic_flag.
        #expect(
            Self.pictureStart([0, 0, 0, 1, 0x40, 0x01, 0x0C, 0, 0, 1, 0x26, 0x01, 0xAF], .hevc)
                == PictureStart(hasSlice: true, firstSliceStartsPicture: true))
        #expect(Self.pictureStart([0, 0, 1, 0x26, 0x01, 0x2F], .hevc) == PictureStart(hasSlice: true, firstSliceStartsPicture: false))
        // Truncated or empty packets hold no slice.
        #expect(!Self.pictureStart([0, 0, 1, 0x65], .h264).hasSlice)
        #expect(!Self.pictureStart([], .hevc).hasSlice)
    }

    @Test func packetsJoinWhileTheirSlicesContinueAPicture() {
        let starts = PictureStart(hasSlice: true, firstSliceStartsPicture: true)
        let continues = PictureStart(hasSlice: true, firstSliceStartsPicture: false)
        let parameters = PictureStart(hasSlice: false, firstSliceStartsPicture: false)
        #expect(AccessUnitAssembler.continues(unitHasSlice: true, packet: continues))
        #expect(!AccessUnitAssembler.continues(unitHasSlice: true, packet: starts))
        // Parameter sets after slices belong to the next picture; before any slice, to this one.
        #expect(!AccessUnitAssembler.continues(unitHasSlice: true, packet: parameters))
        #expect(AccessUnitAssembler.continues(unitHasSlice: false, packet: starts))
    }

    /// A packet holding `bytes`, flagged key or not, with `pts` as its time.
    static func packet(_ bytes: [UInt8], key: Bool, pts: Int64) -> Packet {
        let packet = Packet()
        precondition(av_new_packet(packet.pointer, Int32(bytes.count)) >= 0)
        bytes.withUnsafeBufferPointer { packet.pointer.pointee.data.update(from: $0.baseAddress!, count: bytes.count) }
        if key { packet.pointer.pointee.flags |= AV_PKT_FLAG_KEY }
        packet.pointer.pointee.pts = pts
        return packet
    }

    /// A session that joins the stream between a keyframe's two slices gets its second slice
    /// first: that unit is marked as lacking its beginning, and the next keyframe is whole.
    @Test func aPictureWhoseFirstSliceNeverArrivedIsMarked() throws {
        let parameterSets: [UInt8] = [0, 0, 0, 1, 0x67, 0x64, 0, 0x28, 0, 0, 1, 0x68, 0xEE]
        let keyStart = parameterSets + [0, 0, 1, 0x65, 0x88, 0x84]
        let keyRest = parameterSets + [0, 0, 1, 0x65, 0x00, 0x0F, 0xF1]
        let predicted: [UInt8] = [0, 0, 1, 0x41, 0x9A, 0x02]
        var codecParameters = avcodec_parameters_alloc()
        defer { avcodec_parameters_free(&codecParameters) }
        let parameters = try #require(codecParameters)
        parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        parameters.pointee.codec_id = AV_CODEC_ID_H264
        let assembler = AccessUnitAssembler(parameters: parameters)
        let sent = [
            (keyRest, true), (predicted, false), (keyStart, true), (keyRest, true), (predicted, false), (parameterSets, false),
            (keyRest, false),
        ]
        var units: [AccessUnit] = []
        for (index, (bytes, key)) in sent.enumerated() {
            if let unit = assembler.add(Self.packet(bytes, key: key, pts: Int64(index))) { units.append(unit) }
        }
        if let last = assembler.flush() { units.append(last) }
        #expect(units.map(\.isWhole) == [false, true, true, true, false])
        #expect(units.map(\.packet.isKey) == [true, false, true, false, false])
        #expect(
            units.map(\.packet.size) == [
                keyRest.count, predicted.count, keyStart.count + keyRest.count, predicted.count, parameterSets.count + keyRest.count,
            ])
    }
}
