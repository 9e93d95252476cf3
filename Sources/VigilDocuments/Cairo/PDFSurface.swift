import CCairo

/// A cairo PDF surface of one page size, writing into memory. Owns the surface (destroyed in
/// `deinit`); not thread-safe.
final class PDFSurface {
    /// The `cairo_surface_t`.
    let handle: OpaquePointer
    private let sink: PDFByteSink

    /// A PDF surface whose pages are `width` x `height` points.
    init(width: Double, height: Double) throws {
        let sink = PDFByteSink()
        let surface = cairo_pdf_surface_create_for_stream(
            PDFByteSink.write, Unmanaged.passUnretained(sink).toOpaque(), width, height)!
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw DocumentRenderError.cairo(step: "create a PDF surface", status: String(cString: cairo_status_to_string(status)))
        }
        self.sink = sink
        self.handle = surface
    }

    deinit {
        cairo_surface_destroy(handle)
    }

    /// Sets the PDF's Title and Creator (shown by PDF viewers and `pdfinfo`).
    func setMetadata(title: String, creator: String) {
        cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_CREATOR, creator)
    }

    /// Ends the document (embedding the fonts' subsets) and returns the whole PDF. Drawing contexts
    /// on the surface must be released first; the surface takes no drawing afterwards.
    func finish() throws -> [UInt8] {
        cairo_surface_finish(handle)
        let status = cairo_surface_status(handle)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DocumentRenderError.cairo(step: "write the PDF", status: String(cString: cairo_status_to_string(status)))
        }
        let bytes = sink.bytes
        sink.bytes = []
        return bytes
    }
}
