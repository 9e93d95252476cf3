import Testing

@testable import VigilCore

/// Bidirectional controls in text from data are shown escaped: a camera or client name holding
/// U+202E would otherwise print what follows it right to left, and a log line or an invoice line
/// could read as something it is not.
struct BidiControlTests {
    @Test func embeddingsOverridesAndIsolatesAreShownEscaped() {
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            let text = "till" + String(Character(Unicode.Scalar(UInt32(scalar))!)) + "fdp.exe"
            let escaped = text.escapingControlCharacters()
            #expect(escaped == "till\\u{\(String(scalar, radix: 16))}fdp.exe")
            #expect(!escaped.unicodeScalars.contains { $0.value == UInt32(scalar) })
            #expect(escaped.escapingControlCharacters() == escaped)
        }
        // Right-to-left text itself, and the marks, stay as they are.
        #expect("שלום \u{200F}مرحبا".escapingControlCharacters() == "שלום \u{200F}مرحبا")
        #expect("a\u{202E}b".quotedAndEscaped() == "\"a\\u{202e}b\"")
    }
}
