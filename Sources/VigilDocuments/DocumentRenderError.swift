/// Why a document could not be rendered. Safe to log: it quotes no document text beyond a column count.
package struct DocumentRenderError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case rowWidth(row: Int, cells: Int, columns: Int)
        case fontMissing(family: String, found: String)
        case fontconfig
        case tooTall(part: String)
        case cairo(step: String, status: String)
    }

    private let code: Code

    /// Row `row` (from 0) has `cells` cells where the table has `columns` columns.
    package static func rowWidth(row: Int, cells: Int, columns: Int) -> DocumentRenderError {
        DocumentRenderError(code: .rowWidth(row: row, cells: cells, columns: columns))
    }

    /// fontconfig offers `found` where the renderer asked for `family`: the font is not installed.
    package static func fontMissing(family: String, found: String) -> DocumentRenderError {
        DocumentRenderError(code: .fontMissing(family: family, found: found))
    }

    /// fontconfig could not load its configuration.
    package static let fontconfig = DocumentRenderError(code: .fontconfig)

    /// A part that stays on one page (the first page's header, the footer) is taller than a page.
    package static func tooTall(part: String) -> DocumentRenderError { DocumentRenderError(code: .tooTall(part: part)) }

    /// cairo failed at `step` with its `status` message (out of memory, a write error).
    package static func cairo(step: String, status: String) -> DocumentRenderError {
        DocumentRenderError(code: .cairo(step: step, status: status))
    }

    package var description: String {
        switch code {
        case .rowWidth(let row, let cells, let columns):
            "table row \(row) has \(cells) cells but the table has \(columns) columns: give every row one cell per column"
        case .fontMissing(let family, let found):
            "the font \(family) is not installed (fontconfig offers \(found) instead): install fonts-dejavu-core "
                + "(and fonts-noto-cjk for Chinese, Japanese and Korean text)"
        case .fontconfig:
            "fontconfig could not load its configuration (/etc/fonts/fonts.conf): install fontconfig and fonts-dejavu-core"
        case .tooTall(let part):
            "the \(part) is taller than a page and cannot be split: shorten it"
        case .cairo(let step, let status):
            "cairo failed to \(step): \(status)"
        }
    }
}
