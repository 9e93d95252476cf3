import CCairo

/// A cairo drawing context on a ``PDFSurface``: shapes, colours, transformations and page breaks,
/// in points from the page's top left corner. Owns the `cairo_t` (destroyed in `deinit`) and keeps
/// its surface alive; not thread-safe.
final class PDFCanvas {
    /// The `cairo_t`, for ``TextLayout`` to draw with.
    let handle: OpaquePointer
    private let surface: PDFSurface

    init(surface: PDFSurface) throws {
        let context = cairo_create(surface.handle)!
        let status = cairo_status(context)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_destroy(context)
            throw DocumentRenderError.cairo(step: "create a drawing context", status: String(cString: cairo_status_to_string(status)))
        }
        self.surface = surface
        self.handle = context
    }

    deinit {
        cairo_destroy(handle)
    }

    /// Sets the colour of what is drawn next, each component from 0 to 1.
    func setColor(_ color: InkColor) {
        cairo_set_source_rgb(handle, color.red, color.green, color.blue)
    }

    /// Fills a rectangle with the current colour.
    func fillRectangle(x: Double, y: Double, width: Double, height: Double) {
        cairo_rectangle(handle, x, y, width, height)
        cairo_fill(handle)
    }

    /// Draws a horizontal rule `width` points thick, centred on `y`, with the current colour.
    func horizontalRule(x: Double, y: Double, length: Double, width: Double) {
        cairo_set_line_width(handle, width)
        cairo_move_to(handle, x, y)
        cairo_line_to(handle, x + length, y)
        cairo_stroke(handle)
    }

    /// Runs `body` with the current transformation moved to (`x`, `y`) and rotated by `angle`
    /// radians (clockwise on the page), then restores it.
    func withTransform(x: Double, y: Double, angle: Double, scale: Double, _ body: () -> Void) {
        cairo_save(handle)
        cairo_translate(handle, x, y)
        cairo_rotate(handle, angle)
        cairo_scale(handle, scale, scale)
        body()
        cairo_restore(handle)
    }

    /// Ends the current page; drawing goes on on a new one.
    func showPage() {
        cairo_show_page(handle)
    }

    /// Throws if any drawing so far failed (cairo records the first error and then ignores drawing).
    func check() throws {
        let status = cairo_status(handle)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DocumentRenderError.cairo(step: "draw", status: String(cString: cairo_status_to_string(status)))
        }
    }
}
