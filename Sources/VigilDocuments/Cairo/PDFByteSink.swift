import CCairo

/// Where a ``PDFSurface`` writes its PDF: cairo calls ``write`` with each chunk as it produces it.
/// Not thread-safe: one surface, one thread.
final class PDFByteSink {
    /// The PDF so far; whole once the surface is finished.
    var bytes: [UInt8] = []

    /// cairo's write callback (`cairo_write_func_t`); its closure is this sink, unretained: the
    /// surface's owner keeps the sink alive for as long as the surface.
    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<PDFByteSink>.fromOpaque(closure).takeUnretainedValue()
        if let data, length > 0 {
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        }
        return CAIRO_STATUS_SUCCESS
    }
}
