import Testing

@testable import VigilCore

@Suite struct StreamURLTests {
    @Test func parsesCredentialsHostPortAndPath() throws {
        let url = try StreamURL.parse("rtsp://admin:p%40ss:w0rd@Cam-1.local:8554/Streaming/Channels/101?transport=tcp")
        #expect(url.scheme == .rtsp)
        #expect(url.user == "admin")
        #expect(url.password == "p@ss:w0rd")
        #expect(url.host == "cam-1.local")
        #expect(url.port == 8554)
        #expect(url.path == "/Streaming/Channels/101?transport=tcp")
        #expect(url.redacted == "rtsp://admin:***@cam-1.local:8554/Streaming/Channels/101?transport=tcp")
        #expect("\(url)" == url.redacted)
        #expect(url.urlWithCredentials == "rtsp://admin:p%40ss%3Aw0rd@cam-1.local:8554/Streaming/Channels/101?transport=tcp")
    }

    @Test func parsesIPv6AndFiles() throws {
        let v6 = try StreamURL.parse("rtsp://[fe80::1]:554/s")
        #expect(v6.host == "fe80::1")
        #expect(v6.redacted == "rtsp://[fe80::1]:554/s")
        #expect(try StreamURL.parse("clips/yard.mp4").isFile)
        #expect(try StreamURL.parse("file:///srv/yard.mp4").path == "/srv/yard.mp4")
    }

    @Test func parsesHTTPStreams() throws {
        let url = try StreamURL.parse("HTTPS://viewer:pw@Cam.example:8443/live.m3u8")
        #expect(url.scheme == .https)
        #expect(!url.isFile)
        #expect(url.redacted == "https://viewer:***@cam.example:8443/live.m3u8")
        #expect(url.urlWithCredentials == "https://viewer:pw@cam.example:8443/live.m3u8")
        #expect(try StreamURL.parse("http://cam.local/video.mjpg").scheme == .http)
    }

    @Test(arguments: [
        ("rtsp://cam/1", true), ("http://cam/video.mjpg", true), ("file:///srv/missing.mp4", true),
        ("/srv/yard.mp4", true), ("clips/yard.mp4", true), (" clips/yard.mp4 ", true),
        ("rtsp//cam", false), ("cam1", false), ("/srv/missing.mp4", false), ("rtps://cam/1", false), ("", false),
    ])
    func aCameraSourceIsAURLOrAnExistingFile(text: String, accepted: Bool) {
        let existing: Set = ["/srv/yard.mp4", "clips/yard.mp4"]
        let url = try? StreamURL.parseRequiringExistingFile(text, fileExists: { existing.contains($0) })
        #expect((url != nil) == accepted)
        // Plain parsing, as `vigil analyze --source` does, leaves the file to be found when it is opened.
        if !text.contains(":"), !text.isEmpty { #expect((try? StreamURL.parse(text))?.isFile == true) }
    }

    @Test func schemeTypoIsNamedAsSuch() {
        #expect(
            throws: StreamURL.ParseError(
                message:
                    "is neither a URL with a scheme Vigil reads (rtsp, rtsps, http, https, file) nor an existing file; 'rtsp//' lacks the ':' of 'rtsp://'"
            )
        ) {
            try StreamURL.parseRequiringExistingFile("rtsp//cam", fileExists: { _ in false })
        }
        #expect(
            throws: StreamURL.ParseError(
                message:
                    "is neither a URL with a scheme Vigil reads (rtsp, rtsps, http, https, file) nor an existing file")
        ) {
            try StreamURL.parseRequiringExistingFile("cam1", fileExists: { _ in false })
        }
        #expect(throws: StreamURL.ParseError.self) {
            try StreamURL.parseRequiringExistingFile("/srv", fileExists: StreamURL.isExistingFile)
        }
        #expect(StreamURL.isExistingFile(#filePath))
    }

    @Test(arguments: [
        ("rtsp://admin:hunter2@cam/1", "rtsp://admin:***@cam/1"),
        ("rtsp//admin:hunter2@cam/1", "rtsp//admin:***@cam/1"),
        ("rtsp:/admin:hunter2@cam/1", "rtsp:/admin:***@cam/1"),
        ("rtps://admin:p@ss@cam/1", "rtps://admin:***@cam/1"),
        ("rtsp://admin:hunter2/x@cam/1", "rtsp://admin:***@cam/1"),
        ("admin:hunter2@cam", "admin:***@cam"),
        ("rtsp:admin:hunter2@cam", "rtsp:***@cam"),
        ("rtsp://admin@cam/1", "rtsp://admin@cam/1"),
        ("rtsp://cam:554/1", "rtsp://cam:554/1"),
        ("/srv/a@b/yard.mp4", "/srv/a@b/yard.mp4"),
    ])
    func passwordIsMaskedInTextThatIsNotAURL(text: String, expected: String) {
        #expect(StreamURL.redactingPassword(in: text) == expected)
        do {
            _ = try StreamURL.parse(text)
        } catch {
            #expect(!error.message.contains("hunter2") && !error.message.contains("ss@"), "\(error.message)")
        }
    }

    @Test func redactorMasksSecretsAndURLPasswords() {
        let redactor = SecretRedactor(secrets: ["AIzaSyKEY123", "p@ss"])
        let text = "failed rtsp://admin:whatever@cam/1 key=AIzaSyKEY123 pw p%40ss postgresql://u:dbpw@h/db password=x1 host=h"
        let redacted = redactor.redact(text)
        #expect(!redacted.contains("whatever"))
        #expect(!redacted.contains("AIzaSyKEY123"))
        #expect(!redacted.contains("p%40ss"))
        #expect(!redacted.contains("dbpw"))
        #expect(!redacted.contains("x1"))
        #expect(redacted.contains("rtsp://admin:***@cam/1"))
        #expect(redacted.contains("host=h"))
    }

    @Test func databasePasswordIsFoundInEveryForm() {
        #expect(DatabasePassword.extract(from: "postgresql://u:p%2Fw@h:5432/db") == "p/w")
        #expect(DatabasePassword.extract(from: "postgres://h/db?user=u&password=qq") == "qq")
        #expect(DatabasePassword.extract(from: "host=h password='a b' dbname=d") == "a b")
        #expect(DatabasePassword.extract(from: "postgresql://u@h/db") == nil)
    }
}
