import CFFmpeg

/// Reduces a decoded frame to a ``SceneThumbnail``: the mean luma of each cell of a 64 x 36 grid.
///
/// Reads the luma plane directly for every 8-bit YUV or gray format (all that H.264, H.265 and
/// MJPEG cameras decode to), sampling a lattice of about 100 pixels per cell: about 230,000 reads
/// for a 1080p frame, a fraction of a millisecond. Other formats go through libswscale's area
/// filter to 64 x 36 gray. Blocking C work: call it on a worker thread, never the cooperative pool.
enum ThumbnailMaker {
    static func thumbnail(of frame: Frame, columns: Int = SceneThumbnail.columns, rows: Int = SceneThumbnail.rows) -> SceneThumbnail? {
        let f = frame.pointer.pointee
        let width = Int(f.width)
        let height = Int(f.height)
        guard width >= columns, height >= rows, let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: f.format)) else {
            return nil
        }
        let d = descriptor.pointee
        let luma = d.comp.0
        let isRGB = d.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
        let isPaletted = d.flags & UInt64(AV_PIX_FMT_FLAG_PAL) != 0
        guard !isRGB, !isPaletted, d.nb_components >= 1, luma.depth == 8, luma.plane == 0, luma.shift == 0,
            let plane = f.data.0, f.linesize.0 > 0
        else {
            return scaled(frame, columns: columns, rows: rows)
        }
        let lineSize = Int(f.linesize.0)
        let step = Int(luma.step)
        let offset = Int(luma.offset)
        // A lattice of about 10 x 10 samples per cell.
        let xStep = max(1, width / (columns * 10))
        let yStep = max(1, height / (rows * 10))
        var columnCell = [Int](repeating: 0, count: (width + xStep - 1) / xStep)
        for (index, x) in stride(from: 0, to: width, by: xStep).enumerated() { columnCell[index] = x * columns / width }
        var sums = [Int](repeating: 0, count: columns * rows)
        var counts = [Int](repeating: 0, count: columns * rows)
        sums.withUnsafeMutableBufferPointer { sums in
            counts.withUnsafeMutableBufferPointer { counts in
                columnCell.withUnsafeBufferPointer { columnCell in
                    var y = 0
                    while y < height {
                        let rowBase = (y * rows / height) * columns
                        let line = plane + y * lineSize + offset
                        var index = 0
                        var x = 0
                        while x < width {
                            let cell = rowBase + columnCell[index]
                            sums[cell] &+= Int(line[x * step])
                            counts[cell] &+= 1
                            index += 1
                            x += xStep
                        }
                        y += yStep
                    }
                }
            }
        }
        var cells = [UInt8](repeating: 0, count: columns * rows)
        for index in cells.indices where counts[index] > 0 {
            cells[index] = UInt8(clamping: (sums[index] + counts[index] / 2) / counts[index])
        }
        return SceneThumbnail(width: columns, height: rows, cells: cells)
    }

    /// Any other format: libswscale's area average straight to a columns x rows gray picture.
    private static func scaled(_ frame: Frame, columns: Int, rows: Int) -> SceneThumbnail? {
        let f = frame.pointer.pointee
        guard
            let context = sws_getContext(
                f.width, f.height, AVPixelFormat(rawValue: f.format), Int32(columns), Int32(rows), AV_PIX_FMT_GRAY8, SWS_AREA, nil,
                nil, nil)
        else { return nil }
        defer { sws_freeContext(context) }
        // Slack for SIMD writes past the end of a row.
        let rowBytes = (columns + 63) / 64 * 64
        var gray = [UInt8](repeating: 0, count: rowBytes * (rows + 2))
        let ok = gray.withUnsafeMutableBufferPointer { gray -> Bool in
            let sourcePlanes: [UnsafePointer<UInt8>?] = [
                f.data.0.map { UnsafePointer($0) }, f.data.1.map { UnsafePointer($0) },
                f.data.2.map { UnsafePointer($0) }, f.data.3.map { UnsafePointer($0) },
            ]
            let sourceStrides: [Int32] = [f.linesize.0, f.linesize.1, f.linesize.2, f.linesize.3]
            let destination: [UnsafeMutablePointer<UInt8>?] = [gray.baseAddress, nil, nil, nil]
            let strides: [Int32] = [Int32(rowBytes), 0, 0, 0]
            return sws_scale(context, sourcePlanes, sourceStrides, 0, f.height, destination, strides) > 0
        }
        guard ok else { return nil }
        var cells: [UInt8] = []
        cells.reserveCapacity(columns * rows)
        for row in 0..<rows { cells.append(contentsOf: gray[row * rowBytes..<row * rowBytes + columns]) }
        return SceneThumbnail(width: columns, height: rows, cells: cells)
    }
}
