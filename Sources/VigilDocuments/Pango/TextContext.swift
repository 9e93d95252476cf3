import CCairo

/// A pango context of its own for one document: a font map made for it (not pango's per-thread
/// default), set up for PDF output (72 units per inch, so sizes are points; unhinted metrics; glyph
/// positions not rounded) in one font family and language. Owns the font map and context (released
/// in `deinit`); not thread-safe.
///
/// Fonts come from fontconfig: the family for Latin, Greek and Cyrillic text, and fontconfig's
/// fallback for characters it lacks (Noto Sans CJK for Chinese, Japanese and Korean on Debian with
/// fonts-noto-cjk).
final class TextContext {
    /// The `PangoFontMap`.
    private let fontMap: UnsafeMutablePointer<PangoFontMap>
    /// The `PangoContext`, for ``TextLayout``.
    let handle: OpaquePointer
    /// The font family every style uses.
    let family: String

    /// A context for drawing on `canvas` in `family`, for text in `language` (a BCP 47 tag).
    /// Throws if fontconfig does not resolve `family` to itself (the font is not installed).
    init(canvas: PDFCanvas, family: String, language: String) throws {
        guard FontconfigSetup.loaded else { throw DocumentRenderError.fontconfig }
        let fontMap = pango_cairo_font_map_new()!
        let context = pango_font_map_create_context(fontMap)!
        pango_cairo_update_context(canvas.handle, context)
        pango_cairo_context_set_resolution(context, 72)
        pango_context_set_round_glyph_positions(context, 0)
        pango_context_set_language(context, pango_language_from_string(language))
        self.fontMap = fontMap
        self.handle = context
        self.family = family
        let found = resolvedFamily()
        guard found == family else { throw DocumentRenderError.fontMissing(family: family, found: found) }
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(handle))
        g_object_unref(UnsafeMutableRawPointer(fontMap))
    }

    /// A new font description for `style` in this context's family; the caller frees it.
    func fontDescription(_ style: TextStyle) -> OpaquePointer {
        let description = pango_font_description_new()!
        pango_font_description_set_family(description, family)
        pango_font_description_set_absolute_size(description, style.size * Double(PANGO_SCALE))
        pango_font_description_set_weight(description, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        return description
    }

    /// The family fontconfig gives for this context's family at body size.
    private func resolvedFamily() -> String {
        let description = fontDescription(.body)
        defer { pango_font_description_free(description) }
        guard let font = pango_font_map_load_font(fontMap, handle, description) else { return "no font at all" }
        defer { g_object_unref(UnsafeMutableRawPointer(font)) }
        let loaded = pango_font_describe(font)!
        defer { pango_font_description_free(loaded) }
        return pango_font_description_get_family(loaded).map { String(cString: $0) } ?? "no font at all"
    }
}
