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
