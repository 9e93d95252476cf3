import Foundation
import Testing

@testable import VigilCore

/// A temporary directory for secret files, removed when `body` returns.
func withSecretDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-secrets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// Writes `contents` to the file `name` of `directory` and returns its path.
func writeSecret(_ contents: String, _ name: String, in directory: URL) throws -> String {
    let file = directory.appendingPathComponent(name)
    try Data(contents.utf8).write(to: file)
    return file.path
}

/// `config.example.json` with each `secret_file` and `password_file` it names (which live in
/// /etc/vigil on a real host) replaced by a temporary file holding a made-up secret.
func withExampleConfiguration<T>(_ body: (String) throws -> T) throws -> T {
    let path = #filePath.replacingAll("Tests/VigilCoreTests/AlertsConfigurationTests.swift", with: "config.example.json")
    var text = try String(contentsOfFile: path, encoding: .utf8)
    return try withSecretDirectory { directory in
        for key in ["\"secret_file\": \"", "\"password_file\": \""] {
            var output = ""
            var rest = Substring(text)
            var count = 0
            while let start = rest.range(of: key), let end = rest[start.upperBound...].firstIndex(of: "\"") {
                count += 1
                let file = try writeSecret("example-secret-\(count)\n", "\(key.prefix(8).filter(\.isLetter))-\(count)", in: directory)
                output += rest[..<start.upperBound] + file
                rest = rest[end...]
            }
            text = output + rest
        }
        return try body(text)
    }
}

/// `alerts`, `clients[].alerts` and the alert rules: read with their defaults, every mistake named
/// with its path and what to do, secrets read from files and known to the redactor.
struct AlertsConfigurationTests {
    /// The valid test configuration with this `alerts` object.
    static func withAlerts(_ alerts: String, clients: String? = nil) -> String {
        validConfiguration(clients: clients, extra: "\n  \"alerts\": \(alerts),")
    }

    /// "path: message — hint" of each problem.
    static func described(_ found: [ConfigurationProblem]) -> [String] {
        found.map { "\($0.path): \($0.message) — \($0.hint)" }
    }

    @Test func withoutAlertsEveryDefaultApplies() throws {
        let configuration = try ConfigurationLoader.parse(validConfiguration(), file: "test.json")
        let alerts = configuration.alerts
        #expect(alerts == AlertsConfiguration())
        #expect(alerts.evidenceDirectory == "/var/lib/vigil/evidence")
        #expect(alerts.evidenceRetentionDays == 30)
        #expect(alerts.rules == AlertRules(minConfidence: 0.6, incidentTypes: nil, cooldownSeconds: 300))
        #expect(alerts.cameraOfflineAfterSeconds == 120)
        #expect(alerts.webhooks.isEmpty && alerts.emailTo.isEmpty && alerts.smtp == nil)
        #expect(alerts.retry == AlertRetryConfiguration(initialSeconds: 5, maxSeconds: 1800, giveUpAfterHours: 48))
        #expect(configuration.clients.allSatisfy { $0.alerts == nil })
        #expect(configuration.alertRules(for: "acme") == AlertRules())
        #expect(configuration.alertRules(for: nil) == AlertRules())
        // An empty object is all defaults too.
        #expect(try ConfigurationLoader.parse(Self.withAlerts("{}"), file: "test.json").alerts == AlertsConfiguration())
    }

    @Test func aFullConfigurationIsRead() throws {
        try withSecretDirectory { directory in
            let webhookSecret = try writeSecret("hook-s3cret-from-file \n\n", "webhook", in: directory)
            let smtpPassword = try writeSecret("smtp-pa55word\r\n", "smtp", in: directory)
            let alerts = """
                {"evidence_directory": "/srv/vigil/evidence", "evidence_retention_days": 90, "min_confidence": 0.5,
                 "incident_types": ["theft", "intrusion"], "cooldown_seconds": 0, "camera_offline_after_seconds": 60,
                 "webhooks": [{"url": "https://hooks.example.com/services/T1/B2/tok3n", "secret_file": "\(webhookSecret)"},
                              {"name": "pager", "url": "http://127.0.0.1:8080/alert?key=abc", "secret": "inline-secret"}],
                 "smtp": {"url": "smtps://mail.example.com", "username": "vigil", "password_file": "\(smtpPassword)",
                          "from": "vigil@example.com"},
                 "email_to": ["ops@example.com", "night.shift+vigil@example.co.uk"],
                 "retry": {"initial_seconds": 2.5, "max_seconds": 600, "give_up_after_hours": 72}}
                """
            let clients = """
                [{"id": "acme", "name": "Acme", "alerts": {"webhooks": [{"url": "https://acme.example/hook", "secret": "acme-secret"}],
                   "email_to": ["boss@acme.example"], "min_confidence": 0.9, "incident_types": ["fire_smoke"], "cooldown_seconds": 60}},
                 {"id": "bolt", "name": "Bolt", "alerts": {"min_confidence": 0.2}}]
                """
            let configuration = try ConfigurationLoader.parse(Self.withAlerts(alerts, clients: clients), file: "test.json")
            let read = configuration.alerts
            #expect(read.evidenceDirectory == "/srv/vigil/evidence")
            #expect(read.evidenceRetentionDays == 90)
            #expect(read.rules == AlertRules(minConfidence: 0.5, incidentTypes: ["theft", "intrusion"], cooldownSeconds: 0))
            #expect(read.cameraOfflineAfterSeconds == 60)
            #expect(
                read.webhooks == [
                    WebhookConfiguration(
                        name: "webhook-1", url: "https://hooks.example.com/services/T1/B2/tok3n", secret: "hook-s3cret-from-file"),
                    WebhookConfiguration(name: "pager", url: "http://127.0.0.1:8080/alert?key=abc", secret: "inline-secret"),
                ])
            #expect(
                read.smtp
                    == SMTPConfiguration(
                        url: "smtps://mail.example.com", username: "vigil", password: "smtp-pa55word", from: "vigil@example.com",
                        requireTLS: true))
            #expect(read.smtp?.isImplicitTLS == true)
            #expect(read.emailTo == ["ops@example.com", "night.shift+vigil@example.co.uk"])
            #expect(read.retry == AlertRetryConfiguration(initialSeconds: 2.5, maxSeconds: 600, giveUpAfterHours: 72))

            let acme = try #require(configuration.client("acme")?.alerts)
            #expect(acme.webhooks == [WebhookConfiguration(name: "webhook-1", url: "https://acme.example/hook", secret: "acme-secret")])
            #expect(acme.emailTo == ["boss@acme.example"])
            #expect(
                configuration.alertRules(for: "acme") == AlertRules(minConfidence: 0.9, incidentTypes: ["fire_smoke"], cooldownSeconds: 60))
            #expect(
                configuration.alertRules(for: "bolt")
                    == AlertRules(minConfidence: 0.2, incidentTypes: ["theft", "intrusion"], cooldownSeconds: 0))
            #expect(configuration.alertRules(for: "nobody") == read.rules)

            let secrets = Set(configuration.secrets)
            for secret in ["hook-s3cret-from-file", "inline-secret", "acme-secret", "smtp-pa55word"] {
                #expect(secrets.contains(secret), "\(secret) is not among the secrets")
            }
            let redactor = SecretRedactor(secrets: configuration.secrets)
            #expect(
                redactor.redact("signed with hook-s3cret-from-file, logged in with smtp-pa55word") == "signed with ***, logged in with ***")
        }
    }

    @Test(arguments: [
        (#"{"evidence_directory": "evidence"}"#, "alerts.evidence_directory", "must be an absolute path — write it from the root"),
        (#"{"evidence_retention_days": 0}"#, "alerts.evidence_retention_days", "is 0, outside 1...3650"),
        (#"{"min_confidence": 1.5}"#, "alerts.min_confidence", "is 1.5, outside 0...1"),
        (#"{"min_confidence": "high"}"#, "alerts.min_confidence", "must be a number, found a string"),
        (#"{"incident_types": []}"#, "alerts.incident_types", "is empty, so nothing would ever alert — list the types"),
        (#"{"incident_types": ["theft", "none"]}"#, "alerts.incident_types[1]", "is \"none\", which never alerts"),
        (#"{"incident_types": ["Theft"]}"#, "alerts.incident_types[0]", "is not an incident type name — use 1 to 64 lowercase"),
        (#"{"incident_types": [""]}"#, "alerts.incident_types[0]", "is not an incident type name"),
        (
            #"{"incident_types": ["theif"]}"#, "alerts.incident_types[0]",
            "not an incident type Gemini's verdicts report — use one of: theft"
        ),
        (#"{"cooldown_seconds": -1}"#, "alerts.cooldown_seconds", "is -1, outside 0...86400"),
        (#"{"camera_offline_after_seconds": 5}"#, "alerts.camera_offline_after_seconds", "is 5, outside 10...86400"),
        (#"{"webhooks": [{"secret": "x"}]}"#, "alerts.webhooks[0].url", "is missing — add \"url\""),
        (
            #"{"webhooks": [{"url": "ftp://h/x", "secret": "x"}]}"#, "alerts.webhooks[0].url",
            "scheme 'ftp', not http or https — write it like"
        ),
        (#"{"webhooks": [{"url": "https:///x", "secret": "x"}]}"#, "alerts.webhooks[0].url", "has no host"),
        (#"{"webhooks": [{"url": "not a url", "secret": "x"}]}"#, "alerts.webhooks[0].url", "is not a URL — write it like"),
        (
            #"{"webhooks": [{"url": "https://h/x"}]}"#, "alerts.webhooks[0].secret_file",
            "is missing: a webhook needs a secret to sign its requests — add \"secret_file\""
        ),
        (#"{"webhooks": [{"url": "https://h/x", "secret": ""}]}"#, "alerts.webhooks[0].secret", "is empty — give it a value"),
        (
            #"{"webhooks": [{"url": "https://h/x", "secret": "x", "secret_file": "/etc/vigil/s"}]}"#, "alerts.webhooks[0].secret_file",
            "is given together with \"secret\" — keep one of them"
        ),
        (
            #"{"webhooks": [{"name": "-x", "url": "https://h/x", "secret": "x"}]}"#, "alerts.webhooks[0].name",
            "is not a valid webhook name — use 1 to 64"
        ),
        (
            #"{"webhooks": [{"name": "a", "url": "https://h/x", "secret": "x"}, {"name": "a", "url": "https://h/y", "secret": "y"}]}"#,
            "alerts.webhooks[1].name", "\"a\" is already the name of alerts.webhooks[0] — give each webhook"
        ),
        (
            #"{"webhooks": [{"url": "https://h/x", "secret": "x"}, {"name": "webhook-1", "url": "https://h/y", "secret": "y"}]}"#,
            "alerts.webhooks[1].name", "is already the name of alerts.webhooks[0]"
        ),
        (#"{"webhooks": [{"url": "https://h/x", "secret": "x", "token": "t"}]}"#, "alerts.webhooks[0].token", "is not a known key"),
        (#"{"webhook": []}"#, "alerts.webhook", "is not a known key — did you mean \"webhooks\""),
        (#"{"smtp": {"from": "v@example.com"}}"#, "alerts.smtp.url", "is missing — add \"url\""),
        (#"{"smtp": {"url": "smtp://h"}}"#, "alerts.smtp.from", "is missing — add \"from\""),
        (#"{"smtp": {"url": "http://h", "from": "v@example.com"}}"#, "alerts.smtp.url", "scheme 'http', not smtp or smtps — write it like"),
        (#"{"smtp": {"url": "smtp://h/inbox", "from": "v@example.com"}}"#, "alerts.smtp.url", "has a path or query"),
        (#"{"smtp": {"url": "smtp://h", "from": "vigil"}}"#, "alerts.smtp.from", "is not an e-mail address — write it like"),
        (
            #"{"smtp": {"url": "smtp://h", "from": "v@example.com", "password": "hunter2"}}"#, "alerts.smtp.password",
            "a password does not belong in the configuration file — put it in a file readable by the service only"
        ),
        (
            #"{"smtp": {"url": "smtp://u:hunter2@h", "from": "v@example.com"}}"#, "alerts.smtp.url",
            "holds a user name or password (user:password@) — remove them from the URL; give \"username\" and \"password_file\""
        ),
        (
            #"{"smtp": {"url": "smtp://h", "from": "v@example.com", "username": "u"}}"#, "alerts.smtp.password_file",
            "a username needs a password"
        ),
        (
            #"{"smtp": {"url": "smtps://h", "from": "v@example.com", "require_tls": false}}"#, "alerts.smtp.require_tls",
            "is false, but smtps:// is always TLS — remove \"require_tls\""
        ),
        (#"{"email_to": ["ops@example.com"]}"#, "alerts.email_to", "e-mail needs alerts.smtp, which is not set — add \"smtp\""),
        (#"{"email_to": ["ops at example.com"]}"#, "alerts.email_to[0]", "is not an e-mail address — write one address per element"),
        (#"{"email_to": ["Ops <ops@example.com>"]}"#, "alerts.email_to[0]", "is not an e-mail address"),
        (#"{"email_to": ["a@b@c"]}"#, "alerts.email_to[0]", "is not an e-mail address"),
        (#"{"email_to": ["ops@example.com\r\nBcc: x@y"]}"#, "alerts.email_to[0]", "is not an e-mail address"),
        (#"{"email_to": ["a@b.c,d@e.f"]}"#, "alerts.email_to[0]", "is not an e-mail address"),
        (
            #"{"retry": {"give_up_after_hours": 12}}"#, "alerts.retry.give_up_after_hours",
            "is less than 24 h: Vigil promises at least 24 hours"
        ),
        (#"{"retry": {"initial_seconds": 0}}"#, "alerts.retry.initial_seconds", "outside 0.1...3600 s"),
        (#"{"retry": {"initial_seconds": 60, "max_seconds": 30}}"#, "alerts.retry.max_seconds", "is less than initial_seconds (60.0 s)"),
    ])
    func eachMistakeIsNamedWithWhatToDo(alerts: String, path: String, expected: String) {
        let found = problems(Self.withAlerts(alerts))
        #expect(found.map(\.path) == [path], "\(Self.described(found))")
        #expect(Self.described(found).first?.contains(expected) == true, "\(Self.described(found))")
        #expect(!found.description.contains("hunter2"))
    }

    @Test func aClientsMistakesAreNamedUnderTheClient() {
        let clients = """
            [{"id": "acme", "name": "Acme", "alerts": {"email_to": ["boss@acme.example"], "min_confidence": 2,
               "incident_types": ["none"], "cooldown_seconds": 100000, "webhooks": [{"url": "https://h/x"}], "sms_to": []}}]
            """
        let found = problems(
            validConfiguration(cameras: #"[{"id": "c1", "url": "rtsp://h/1", "client": "acme"}]"#, groups: "[]", clients: clients))
        #expect(
            Set(found.map(\.path)) == [
                "clients[0].alerts.email_to", "clients[0].alerts.min_confidence", "clients[0].alerts.incident_types[0]",
                "clients[0].alerts.cooldown_seconds", "clients[0].alerts.webhooks[0].secret_file", "clients[0].alerts.sms_to",
            ], "\(Self.described(found))")
        let email = found.first { $0.path == "clients[0].alerts.email_to" }
        #expect(email?.message.contains("e-mail needs alerts.smtp") == true)
        #expect(email?.shownPath == #"clients[0] ("acme").alerts.email_to"#)
    }

    @Test func aSecretFileIsReadNowAndTrimmed() throws {
        try withSecretDirectory { directory in
            let file = try writeSecret("  inner space kept\t\n", "secret", in: directory)
            let configuration = try ConfigurationLoader.parse(
                Self.withAlerts(#"{"webhooks": [{"url": "https://h/x", "secret_file": "\#(file)"}]}"#), file: "test.json")
            #expect(configuration.alerts.webhooks.first?.secret == "  inner space kept")
        }
    }

    @Test func aSecretFileThatCannotBeUsedIsNamedWithWhatToDo() throws {
        try withSecretDirectory { directory in
            let missing = directory.appendingPathComponent("nowhere").path
            let empty = try writeSecret(" \n\n", "empty", in: directory)
            let cases = [
                (missing, "names the file \(missing), which does not exist — create it holding the webhook's secret"),
                (empty, "names the file \(empty), which is empty — write the webhook's secret into it"),
                (directory.path, "names \(directory.path), which is a directory"),
            ]
            for (file, expected) in cases {
                let found = problems(Self.withAlerts(#"{"webhooks": [{"url": "https://h/x", "secret_file": "\#(file)"}]}"#))
                #expect(found.map(\.path) == ["alerts.webhooks[0].secret_file"], "\(Self.described(found))")
                #expect(Self.described(found).first?.contains(expected) == true, "\(Self.described(found))")
            }
            let smtp = problems(
                Self.withAlerts(#"{"smtp": {"url": "smtp://h", "from": "v@h.example", "username": "u", "password_file": "\#(missing)"}}"#))
            #expect(smtp.map(\.path) == ["alerts.smtp.password_file"], "\(Self.described(smtp))")
            #expect(Self.described(smtp).first?.contains("create it holding the SMTP password") == true)
        }
    }

    @Test func credentialsInAWebhookURLAreRefusedWithoutShowingThem() {
        let found = problems(Self.withAlerts(#"{"webhooks": [{"url": "https://bot:hunter2@hooks.example.com/x", "secret": "s"}]}"#))
        #expect(found.map(\.path) == ["alerts.webhooks[0].url"])
        #expect(found.first?.message.contains("user name or password") == true)
        #expect(found.first?.hint.contains("secret_file") == true)
        #expect(!found.description.contains("hunter2"))
        #expect(!found.description.contains("hooks.example.com"))
    }

    @Test(
        arguments: [
            ("smtp://127.0.0.1:2525", nil, false),
            ("smtp://127.8.9.10", nil, false),
            ("smtp://localhost:25", nil, false),
            ("smtp://LOCALHOST", nil, false),
            ("smtp://[::1]:2525", nil, false),
            ("smtp://[0:0:0:0:0:0:0:1]", nil, false),
            ("smtp://mail.example.com:587", nil, true),
            ("smtp://128.0.0.1", nil, true),
            ("smtp://127.0.0.1.example.com", nil, true),
            ("smtp://[::2]", nil, true),
            ("smtps://127.0.0.1", nil, true),
            ("smtps://mail.example.com", nil, true),
            ("smtp://127.0.0.1", true, true),
            ("smtp://mail.example.com", false, false),
            ("smtps://mail.example.com", true, true),
        ] as [(String, Bool?, Bool)])
    func requireTLSDefaultsToTrueExceptOnLoopback(url: String, given: Bool?, expected: Bool) throws {
        let setting = given.map { #", "require_tls": \#($0)"# } ?? ""
        let configuration = try ConfigurationLoader.parse(
            Self.withAlerts(#"{"smtp": {"url": "\#(url)", "from": "vigil@example.com"\#(setting)}}"#), file: "test.json")
        let smtp = try #require(configuration.alerts.smtp)
        #expect(smtp.requireTLS == expected)
        #expect(SMTPConfiguration(url: url, from: "vigil@example.com", requireTLS: given).requireTLS == expected)
        #expect(smtp.isImplicitTLS == url.hasPrefix("smtps://"))
    }

    @Test func emailWithoutSMTPIsRefusedWhereverItIs() {
        let clients = #"[{"id": "acme", "name": "Acme", "alerts": {"email_to": ["boss@acme.example"]}}, {"id": "bolt", "name": "Bolt"}]"#
        let found = problems(Self.withAlerts(#"{"email_to": ["ops@example.com"]}"#, clients: clients))
        #expect(Set(found.map(\.path)) == ["alerts.email_to", "clients[0].alerts.email_to"], "\(Self.described(found))")
        #expect(found.allSatisfy { $0.message.contains("e-mail needs alerts.smtp") && $0.hint.contains("\"smtp\"") })
        // An empty list needs no server, and one with a server is fine.
        #expect(problems(Self.withAlerts(#"{"email_to": []}"#)).isEmpty)
        #expect(
            problems(
                Self.withAlerts(
                    #"{"email_to": ["ops@example.com"], "smtp": {"url": "smtp://localhost", "from": "v@example.com"}}"#, clients: clients)
            )
            .isEmpty)
    }

    @Test func rulesAlertOnWhatTheyShould() {
        let all = AlertRules()
        #expect(all.alerts(incidentType: "theft", confidence: 0.6))
        #expect(all.alerts(incidentType: "other", confidence: 1))
        #expect(!all.alerts(incidentType: "none", confidence: 1))
        #expect(!all.alerts(incidentType: "NONE", confidence: 1))
        #expect(!all.alerts(incidentType: "theft", confidence: 0.59))
        #expect(!all.alerts(incidentType: "theft", confidence: nil))
        #expect(!all.alerts(incidentType: "theft", confidence: .nan))

        let some = AlertRules(minConfidence: 0, incidentTypes: ["theft", "fire_smoke"])
        #expect(some.alerts(incidentType: "theft", confidence: 0))
        #expect(some.alerts(incidentType: "Fire_Smoke", confidence: 0.1))
        #expect(!some.alerts(incidentType: "intrusion", confidence: 1))
        #expect(!some.alerts(incidentType: "none", confidence: 1))

        let client = ClientAlertsConfiguration(minConfidence: 0.9, incidentTypes: ["intrusion"])
        let overridden = some.overridden(by: client)
        #expect(overridden == AlertRules(minConfidence: 0.9, incidentTypes: ["intrusion"], cooldownSeconds: 300))
        #expect(overridden.alerts(incidentType: "intrusion", confidence: 0.95))
        #expect(!overridden.alerts(incidentType: "intrusion", confidence: 0.8))
        #expect(!overridden.alerts(incidentType: "theft", confidence: 1))
        #expect(some.overridden(by: ClientAlertsConfiguration()) == some)
        #expect(some.overridden(by: ClientAlertsConfiguration(cooldownSeconds: 5)).cooldownSeconds == 5)
    }

    @Test func redactedURLsShowNoPathQueryOrCredentials() {
        let slack = WebhookConfiguration(
            name: "slack", url: "https://hooks.slack.com/services/T000/B000/XXXXSECRET?token=abc#frag", secret: "s")
        #expect(slack.redactedURL == "https://hooks.slack.com")
        let withPort = WebhookConfiguration(name: "w", url: "http://10.0.0.5:8080/hook/TOKEN?k=v", secret: "s")
        #expect(withPort.redactedURL == "http://10.0.0.5:8080")
        let ipv6 = WebhookConfiguration(name: "w", url: "http://[fd00::5]:8080/hook/TOKEN", secret: "s")
        #expect(ipv6.redactedURL == "http://[fd00::5]:8080")
        #expect(SMTPConfiguration(url: "smtp://127.0.0.1:2525", from: "v@h").redactedURL == "smtp://127.0.0.1:2525")
        #expect(SMTPConfiguration(url: "smtps://mail.example.com", from: "v@h").redactedURL == "smtps://mail.example.com:465")
        #expect(SMTPConfiguration(url: "smtp://mail.example.com/", from: "v@h").redactedURL == "smtp://mail.example.com:25")
        #expect(SMTPConfiguration(url: "smtp://[::1]:2525", from: "v@h").redactedURL == "smtp://[::1]:2525")
    }

    @Test func theExampleConfigurationShowsAlerts() throws {
        let configuration = try withExampleConfiguration { text in try ConfigurationLoader.parse(text, file: "config.example.json") }
        let alerts = configuration.alerts
        #expect(alerts.webhooks.map(\.name) == ["control-room"])
        #expect(alerts.webhooks.first?.secret == "example-secret-1")
        #expect(alerts.smtp?.redactedURL == "smtp://127.0.0.1:2525")
        #expect(alerts.smtp?.requireTLS == false)
        #expect(!alerts.emailTo.isEmpty)
        let client = try #require(configuration.clients.first { $0.alerts != nil })
        #expect(client.alerts?.webhooks.count == 1)
        #expect(client.alerts?.emailTo.isEmpty == false)
        #expect(configuration.alertRules(for: client.id).minConfidence == 0.75)
        #expect(Set(configuration.secrets).isSuperset(of: ["example-secret-1", "example-secret-2"]))
    }
}
