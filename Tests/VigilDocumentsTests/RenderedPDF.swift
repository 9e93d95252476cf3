import Foundation
import VigilDocuments
import VigilTestSupport

/// A document rendered to a temporary PDF file, read back with poppler-utils (`pdfinfo`,
/// `pdftotext`, `pdffonts`), as a person's PDF viewer or a mail client's indexer would.
struct RenderedPDF {
    let path: String
    let bytes: [UInt8]

    /// Renders `document` on a thread of its own (rendering blocks; tests stay off the cooperative
    /// pool, as callers must) and writes it to a temporary file.
    static func render(_ document: PrintedDocument) async throws -> RenderedPDF {
        let bytes = try await onThread { try PDFRenderer().render(document) }
        let path = NSTemporaryDirectory() + "vigil-document-\(UUID().uuidString).pdf"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return RenderedPDF(path: path, bytes: bytes)
    }

    /// Runs `work` on a new thread and returns its result.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Removes the file.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `pdfinfo`'s fields: "Pages", "Page size", "Title"...
    func info() async throws -> [String: String] {
        let output = try await Self.tool("pdfinfo", [path])
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The count of pages.
    func pageCount() async throws -> Int {
        guard let pages = try await info()["Pages"].flatMap({ Int($0) }) else { throw TestFailure("pdfinfo gave no page count") }
        return pages
    }

    /// The text of every page (or of page `page`, from 1), laid out as on the page (`pdftotext -layout`).
    func text(page: Int? = nil) async throws -> String {
        let pages = page.map { ["-f", "\($0)", "-l", "\($0)"] } ?? []
        return try await Self.tool("pdftotext", ["-layout", "-enc", "UTF-8"] + pages + [path, "-"])
    }

    /// Each page's text, in order.
    func pageTexts() async throws -> [String] {
        var texts: [String] = []
        for page in 1...(try await pageCount()) { texts.append(try await text(page: page)) }
        return texts
    }

    /// Every word with its box on its page, in points from the page's top left (`pdftotext -bbox`).
    func words() async throws -> [PlacedWord] {
        let html = try await Self.tool("pdftotext", ["-bbox", "-enc", "UTF-8", path, "-"])
        var words: [PlacedWord] = []
        var page = 0
        for line in html.split(separator: "\n") {
            if line.contains("<page ") { page += 1 }
            guard let match = line.firstMatch(of: #/<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*)</word>/#)
            else { continue }
            words.append(
                PlacedWord(
                    page: page, xMin: Double(match.1)!, yMin: Double(match.2)!, xMax: Double(match.3)!, yMax: Double(match.4)!,
                    text: Self.unescapeHTML(String(match.5))))
        }
        return words
    }

    /// The fonts in the file (`pdffonts`): name and whether it is embedded.
    func fonts() async throws -> [(name: String, embedded: Bool)] {
        let output = try await Self.tool("pdffonts", [path])
        return output.split(separator: "\n").dropFirst(2).map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return (String(fields[0]), fields.count >= 5 && fields[fields.count - 5] == "yes")
        }
    }

    private static func unescapeHTML(_ text: String) -> String {
        text.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"").replacing("&apos;", with: "'")
            .replacing("&amp;", with: "&")
    }

    /// Runs a poppler-utils tool and returns its standard output; throws if it fails.
    private static func tool(_ name: String, _ arguments: [String]) async throws -> String {
        let executable = "/usr/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestFailure("\(executable) is missing: install poppler-utils (scripts/test does)")
        }
        let result = try await ProcessRunner.run(executable, arguments)
        guard result.status == 0 else { throw TestFailure("\(name) failed (\(result.status)): \(result.standardError)") }
        return result.standardOutput
    }
}

/// A word of a PDF's text and where it is.
struct PlacedWord: Sendable {
    /// The page, from 1.
    var page: Int
    var xMin: Double
    var yMin: Double
    var xMax: Double
    var yMax: Double
    var text: String
}
