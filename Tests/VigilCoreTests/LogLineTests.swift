import Testing
import VigilCore

/// One event is one line: attacker text (a verdict description, a camera name, an error from a
/// camera) cannot add a line or move a terminal's cursor, and secrets are still redacted.
struct LogLineTests {
    static let forged = "desc\ninfo [request_id=FORGED] x\r\u{1b}[31mred"

    /// Whether `text` has a control character (C0, DEL, C1, U+2028, U+2029) in it.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    }

    @Test func theFormatIsLevelSortedMetadataAndMessage() {
        let line = LogLine(
            level: "info", message: "[Till] tokens prompt=1247 cached=0",
            metadata: ["request_id": .string("abc"), "camera": .string("till")])
        #expect(line.text() == "info [camera=till request_id=abc] [Till] tokens prompt=1247 cached=0")
        #expect(
            LogLine(level: "notice", message: "camera live", metadata: ["camera": .string("till")]).text()
                == "notice [camera=till] camera live")
        #expect(LogLine(level: "notice", message: "monitoring stopped").text() == "notice monitoring stopped")
        #expect(
            LogLine(level: "warning", message: "m", metadata: ["camera": .string("till")], timestamp: "2026-10-01T12:00:00Z").text()
                == "2026-10-01T12:00:00Z warning [camera=till] m")
    }

    @Test func aForgedMessageStaysOneLineWithItsControlCharactersShown() {
        let text = LogLine(level: "warning", message: "[Till] INCIDENT theft: " + Self.forged, metadata: ["camera": .string("till")]).text()
        #expect(text == #"warning [camera=till] [Till] INCIDENT theft: desc\ninfo [request_id=FORGED] x\r\x1b[31mred"#)
        #expect(!Self.hasControlCharacter(text), "\(text.debugDescription)")
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 1)
    }

    @Test func metadataKeysAndValuesAreEscaped() {
        let text = LogLine(level: "info", message: "m", metadata: ["error": .string(Self.forged), "k\u{1b}": .string("v")]).text()
        #expect(text == #"info [error=desc\ninfo [request_id=FORGED] x\r\x1b[31mred k\x1b=v] m"#)
        #expect(LogLine(level: "info", message: "m", metadata: ["error": .string("a\r\nb")]).text() == #"info [error=a\r\nb] m"#)
        #expect(!Self.hasControlCharacter(text), "\(text.debugDescription)")
    }

    @Test func nestedMetadataIsEscapedAndDictionariesAreSorted() {
        let metadata: [String: LogValue] = [
            "list": .array([.string("a"), .string("b\nc"), .array([.string("\u{1b}")])]),
            "map": .dictionary(["z": .string("1"), "a\r": .string("x\u{2028}"), "m": .dictionary([:])]),
        ]
        let text = LogLine(level: "debug", message: "m", metadata: metadata).text()
        #expect(text == #"debug [list=["a", "b\nc", ["\x1b"]] map=["a\r": "x\u{2028}", "m": [:], "z": "1"]] m"#)
        #expect(!Self.hasControlCharacter(text), "\(text.debugDescription)")
    }

    @Test(arguments: [
        (0x2028, #"\u{2028}"#), (0x2029, #"\u{2029}"#), (0x7F, #"\x7f"#), (0x85, #"\x85"#), (0x9B, #"\x9b"#), (0x00, #"\x00"#),
        (0x07, #"\x07"#), (0x09, #"\t"#), (0x0A, #"\n"#), (0x0D, #"\r"#), (0x1B, #"\x1b"#),
    ])
    func everyControlCharacterIsShownEscaped(scalar: UInt32, shown: String) {
        let raw = String(Unicode.Scalar(scalar)!)
        let text = LogLine(level: "info", message: "a\(raw)b", metadata: ["v\(raw)": .string("c\(raw)d")]).text()
        #expect(text == "info [v\(shown)=c\(shown)d] a\(shown)b")
        #expect(!Self.hasControlCharacter(text), "\(text.debugDescription)")
    }

    @Test func ordinaryTextIsUnchanged() {
        let message = #"[Caméra 日本] tokens cost=$0.0002602 in 812 ms — "quoted" \ back"#
        let text = LogLine(level: "info", message: message, metadata: ["camera": .string("café-日本")]).text()
        #expect(text == "info [camera=café-日本] " + message)
    }

    @Test func secretsAreRedactedBeforeEscapingCanHideThem() {
        let redactor = SecretRedactor(secrets: ["AIza\nSECRET", "pass\u{1b}word"])
        let line = LogLine(
            level: "error", message: "key AIza\nSECRET rejected",
            metadata: ["url": .string("rtsp://admin:pass\u{1b}word@cam/1"), "list": .array([.string("pass\u{1b}word")])])
        let text = line.text(redactingWith: redactor)
        #expect(text == #"error [list=["***"] url=rtsp://admin:***@cam/1] key *** rejected"#)
        for leaked in ["SECRET", "pass", #"AIza\n"#] { #expect(!text.contains(leaked), "\(text)") }
    }

    @Test func aURLPasswordWithAControlCharacterIsStillMasked() {
        let text = LogLine(level: "warning", message: "cannot open rtsp://admin:se\ncret@127.0.0.1/till").text(
            redactingWith: SecretRedactor())
        #expect(!text.contains("cret"), "\(text)")
        #expect(text.contains("rtsp://admin:***@127.0.0.1/till"), "\(text)")
        #expect(!Self.hasControlCharacter(text))
    }
}
