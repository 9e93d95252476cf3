import Testing

@testable import VigilCore

/// A valid configuration with two clients, five cameras and one group; tests break one thing at a time.
func validConfiguration(
    cameras: String? = nil, groups: String? = nil, clients: String? = nil, extra: String = ""
) -> String {
    let defaultClients = """
        [{"id": "acme", "name": "Acme Garage", "plan": {"markup_percent": 25, "vat_percent": "20", "camera_monthly_fee": 4.50}},
         {"id": "bolt", "name": "Bolt Shop", "time_zone": "Europe/Berlin"}]
        """
    let defaultCameras = """
        [{"id": "c1", "name": "Front Door", "url": "rtsp://admin:s3cr3t@10.0.0.11:554/stream1", "client": "acme"},
         {"id": "c2", "name": "Yard", "url": "rtsp://10.0.0.12/stream1", "client": "acme"},
         {"id": "c3", "name": "Pumps", "url": "rtsp://10.0.0.13/stream1", "client": "acme"},
         {"id": "c4", "name": "Office", "url": "rtsp://10.0.0.14/stream1", "client": "acme"},
         {"id": "c5", "name": "Till", "url": "rtsp://viewer:pa%40ss@shop.example:8554/till", "client": "bolt", "transport": "udp"}]
        """
    return """
        {
          "database": {"url": "postgresql://vigil@127.0.0.1:5432/vigil"},
          "gemini": {"model": "gemini-2.5-flash", "base_url": "http://127.0.0.1:8089"},
          "analysis": {"interval_seconds": 5},
          "http": {"listen": "127.0.0.1:9464"},\(extra)
          "clients": \(clients ?? defaultClients),
          "cameras": \(cameras ?? defaultCameras),
          "groups": \(groups ?? #"[{"id": "forecourt", "cameras": ["c1", "c2", "c3", "c4"]}]"#)
        }
        """
}

func problems(_ text: String) -> [ConfigurationProblem] {
    do {
        _ = try ConfigurationLoader.parse(text, file: "test.json")
        return []
    } catch {
        return error.problems
    }
}

@Suite struct ConfigurationTests {
    @Test func validConfigurationLoadsWithDefaults() throws {
        let configuration = try ConfigurationLoader.parse(validConfiguration(), file: "test.json")
        #expect(configuration.cameras.count == 5)
        #expect(configuration.groups.first?.cameras == ["c1", "c2", "c3", "c4"])
        #expect(configuration.analysis.intervalSeconds == 5)
        #expect(configuration.analysis.maxFrameAgeSeconds == 10)
        #expect(configuration.analysis.maxImageSide == 768)
        #expect(configuration.capture.stallTimeoutSeconds == 6)
        #expect(configuration.gemini.baseURL == "http://127.0.0.1:8089")
        #expect(configuration.camera("c5")?.transport == .udp)
        #expect(configuration.camera("c5")?.url.password == "pa@ss")
        #expect(configuration.client("acme")?.plan.markupPercent == Money("25"))
        #expect(configuration.client("acme")?.plan.cameraMonthlyFee == Money("4.5"))
        #expect(configuration.client("bolt")?.timeZone == "Europe/Berlin")
        #expect(configuration.http.listenPort == 9464)
    }

    @Test func exampleConfigurationIsValid() throws {
        // Its secret files live in /etc/vigil on a real host: the helper puts temporary ones in their place.
        let configuration = try withExampleConfiguration { text in try ConfigurationLoader.parse(text, file: "config.example.json") }
        #expect(!configuration.cameras.isEmpty)
        #expect(!configuration.groups.isEmpty)
    }

    @Test func unknownKeyIsNamedWithASuggestion() {
        let found = problems(validConfiguration(extra: #""analysis_interval": 5,"#))
        #expect(found.count == 1)
        #expect(found[0].path == "analysis_interval")
        #expect(found[0].message.contains("not a known key"))
        let typo = problems(
            validConfiguration(cameras: #"[{"id": "c1", "url": "rtsp://h/p", "client": "acme", "nmae": "x"}]"#, groups: "[]"))
        #expect(typo.map(\.path) == ["cameras[0].nmae"])
        #expect(typo[0].hint.contains("did you mean \"name\""))
    }

    @Test func wrongTypeIsNamed() {
        let found = problems(validConfiguration(extra: #""capture": {"keyframe_interval_seconds": "two"},"#))
        #expect(found.map(\.path) == ["capture.keyframe_interval_seconds"])
        #expect(found[0].message.contains("must be a number of seconds, found a string"))
    }

    @Test func groupOfThreeIsRefused() {
        let found = problems(validConfiguration(groups: #"[{"id": "g", "cameras": ["c1", "c2", "c3"]}]"#))
        #expect(found.map(\.path) == ["groups[0].cameras"])
        #expect(found[0].message.contains("has 3 cameras; a group has exactly 4"))
    }

    @Test func groupMixingClientsIsRefused() {
        let found = problems(validConfiguration(groups: #"[{"id": "g", "cameras": ["c1", "c2", "c3", "c5"]}]"#))
        #expect(found.map(\.path) == ["groups[0].cameras"])
        #expect(found[0].message.contains("mixes cameras of different clients (acme, bolt)"))
    }

    @Test func cameraInTwoGroupsIsRefused() {
        let cameras = (1...7).map { #"{"id": "k\#($0)", "url": "rtsp://h/\#($0)", "client": "acme"}"# }.joined(separator: ",")
        let found = problems(
            validConfiguration(
                cameras: "[\(cameras)]",
                groups: """
                    [{"id": "g1", "cameras": ["k1", "k2", "k3", "k4"]}, {"id": "g2", "cameras": ["k4", "k5", "k6", "k7"]}]
                    """))
        #expect(found.map(\.path) == ["groups[1].cameras[0]"])
        #expect(found[0].message.contains("second group"))
    }

    @Test func duplicateIdsAreRefused() {
        let cameras = """
            [{"id": "c1", "url": "rtsp://h/1", "client": "acme"}, {"id": "c1", "url": "rtsp://h/2", "client": "acme"}]
            """
        let found = problems(validConfiguration(cameras: cameras, groups: "[]"))
        #expect(found.map(\.path) == ["cameras[1].id"])
        #expect(found[0].message.contains("already the id of cameras[0]"))
        let clients = #"[{"id": "acme", "name": "A"}, {"id": "acme", "name": "B"}]"#
        let clientProblems = problems(
            validConfiguration(cameras: #"[{"id": "x", "url": "rtsp://h/1", "client": "acme"}]"#, groups: "[]", clients: clients))
        #expect(clientProblems.map(\.path) == ["clients[1].id"])
        let groupClash = problems(validConfiguration(groups: #"[{"id": "c5", "cameras": ["c1", "c2", "c3", "c4"]}]"#))
        #expect(groupClash.map(\.path) == ["groups[0].id"])
    }

    @Test(arguments: [
        ("rtsp://admin:hunter2@/stream", "has no host"),
        ("rtsp://admin:hunter2@cam.local:99999/stream", "port '99999'"),
        ("ftp://admin:hunter2@cam.local/stream", "scheme 'ftp'"),
        ("rtsp://admin:hunter2@cam local/stream", "invalid host name"),
        ("rtsp//admin:hunter2@cam.local/stream", "no '://'"),
        ("rtsp://admin:hunter2/x@cam.local/stream", "port '***'"),
    ])
    func unparseableURLIsRefusedWithoutItsPassword(url: String, expected: String) {
        let found = problems(validConfiguration(cameras: #"[{"id": "c1", "url": "\#(url)", "client": "acme"}]"#, groups: "[]"))
        #expect(found.map(\.path) == ["cameras[0].url"])
        #expect(found[0].message.contains(expected), "\(found[0].message)")
        #expect(!found.description.contains("hunter2"))
        #expect(!found[0].hint.contains("hunter2"))
    }

    @Test func problemsNameTheCameraGroupOrClientTheyBelongTo() {
        let cameras = #"[{"id": "c1", "url": "rtsp://h/1", "client": "acme"}, {"id": "x5", "url": "rtsp://h/5", "client": "nobody"}]"#
        let camera = problems(validConfiguration(cameras: cameras, groups: "[]"))
        #expect(camera.map(\.path) == ["cameras[1].client"])
        #expect(
            camera.first?.description.hasSuffix(
                #", cameras[1] ("x5").client: names the client "nobody", which is not in clients — use one of: acme, bolt"#) == true,
            "\(camera)")
        let group = problems(validConfiguration(groups: #"[{"id": "g3", "cameras": ["c1", "c2", "c3"]}]"#))
        #expect(group.map(\.path) == ["groups[0].cameras"])
        #expect(group.first?.description.contains(#", groups[0] ("g3").cameras: has 3 cameras; a group has exactly 4"#) == true, "\(group)")
        let clients = #"[{"id": "bolt", "name": "B"}, {"id": "acme", "name": "A", "plan": {"currency": "€ (euro)"}}]"#
        let client = problems(validConfiguration(clients: clients))
        #expect(client.map(\.path) == ["clients[1].plan.currency"])
        #expect(
            client.first?.description.contains(#", clients[1] ("acme").plan.currency: "€ (euro)" is not an ISO 4217 currency code"#)
                == true, "\(client)")
        let duplicate = problems(
            validConfiguration(
                cameras: #"[{"id": "c1", "url": "rtsp://h/1", "client": "acme"}, {"id": "c1", "url": "rtsp://h/2", "client": "acme"}]"#,
                groups: #"[{"id": "g", "cameras": ["c1", "c2", "c3", "c4"]}]"#))
        #expect(
            duplicate.contains {
                $0.description.hasSuffix(#", cameras[1] ("c1").id: "c1" is already the id of cameras[0] — give each camera its own id"#)
            },
            "\(duplicate)")
        #expect(
            duplicate.contains {
                $0.description.hasSuffix(
                    #", groups[0] ("g").cameras[1]: names the camera "c2", which is not in cameras — check the spelling of the id"#)
            },
            "\(duplicate)")
    }

    @Test(arguments: [
        ("rtsp//cam", #""rtsp//cam" is neither a URL with a scheme Vigil reads"#),
        ("cam1", #""cam1" is neither a URL with a scheme Vigil reads"#),
        ("/nonexistent/yard.mp4", #""/nonexistent/yard.mp4" is neither a URL with a scheme Vigil reads"#),
        ("rtps://admin:hunter2@cam/1", #""rtps://admin:***@cam/1" has the scheme 'rtps'"#),
        ("rtsp//admin:hunter2@cam/1", #""rtsp//admin:***@cam/1" has no '://' after its scheme"#),
    ])
    func streamURLThatIsNeitherAURLNorAFileIsRefused(url: String, expected: String) {
        let found = problems(validConfiguration(cameras: #"[{"id": "c1", "url": "\#(url)", "client": "acme"}]"#, groups: "[]"))
        #expect(found.map(\.path) == ["cameras[0].url"])
        let shown = found.first?.description ?? ""
        #expect(shown.contains(#", cameras[0] ("c1").url: the stream URL "#), "\(shown)")
        #expect(shown.contains(expected), "\(shown)")
        #expect(shown.contains("rtsp://"), "the hint says what is expected: \(shown)")
        #expect(!shown.contains("hunter2"))
    }

    @Test func existingFileAndHTTPStreamsAreAccepted() throws {
        let cameras = """
            [{"id": "f1", "url": "\(#filePath)", "client": "acme"},
             {"id": "f2", "url": "file:///srv/yard.mp4", "client": "acme"},
             {"id": "h1", "url": "http://cam.local/video.mjpg", "client": "acme"},
             {"id": "h2", "url": "https://viewer:pw@cam.example/live.m3u8", "client": "bolt"}]
            """
        let configuration = try ConfigurationLoader.parse(validConfiguration(cameras: cameras, groups: "[]"), file: "test.json")
        #expect(configuration.camera("f1")?.url.isFile == true)
        #expect(configuration.camera("f1")?.url.path == #filePath)
        #expect(configuration.camera("h1")?.url.redacted == "http://cam.local/video.mjpg")
        #expect(configuration.camera("h2")?.url.redacted == "https://viewer:***@cam.example/live.m3u8")
    }

    @Test func emptyKeyIsShownQuoted() {
        let clients = #"[{"id": "acme", "name": "A"}, {"id": "bolt", "name": "B", "plan": {"": 1}}]"#
        let found = problems(validConfiguration(clients: clients))
        #expect(found.map(\.path) == [#"clients[1].plan."""#])
        #expect(found.first?.description.contains(#", clients[1] ("bolt").plan."": is not a known key"#) == true, "\(found)")
    }

    @Test func controlCharactersFromTheFileAreEscaped() {
        let cameras = #"[{"id": "c\n1\u001b[31m", "name\u2028": "x", "url": "rtsp://h/1", "client": "acme", "transport": "tcp\r\u0085"}]"#
        do {
            _ = try ConfigurationLoader.parse(validConfiguration(cameras: cameras, groups: "[]"), file: "test\n.json")
            Issue.record("the configuration was accepted")
        } catch {
            let text = error.description
            #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 1 + error.problems.count, "\(text)")
            for forbidden: Unicode.Scalar in ["\u{1b}", "\u{85}", "\u{2028}", "\r"] {
                #expect(!text.unicodeScalars.contains(forbidden), "\(text)")
            }
            #expect(text.contains(#"configuration test\n.json has 3 problems"#), "\(text)")
            #expect(text.contains(#"cameras[0] ("c\n1\x1b[31m").id: "c\n1\x1b[31m" is not a valid id"#), "\(text)")
            #expect(text.contains(#"cameras[0] ("c\n1\x1b[31m")."name\u{2028}": is not a known key"#), "\(text)")
            #expect(text.contains(#"cameras[0] ("c\n1\x1b[31m").transport: is "tcp\r\x85", not one of tcp, udp"#), "\(text)")
            for problem in error.problems {
                #expect(
                    !"\(problem.path)\(problem.message)\(problem.hint)".unicodeScalars.contains {
                        $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
                    }, "\(problem)")
            }
        }
    }

    @Test func unknownClientReferenceAndMissingFieldsAreAllReportedAtOnce() {
        let cameras = """
            [{"id": "c1", "url": "rtsp://h/1", "client": "nobody"},
             {"name": "no id", "url": "rtsp://h/2"},
             {"id": "bad id!", "url": 42, "client": "acme", "enabled": "yes"}]
            """
        let found = problems(validConfiguration(cameras: cameras, groups: "[]", extra: #""gemini": {"max_attempts": 0},"#))
        let paths = Set(found.map(\.path))
        #expect(
            paths.isSuperset(of: [
                "cameras[0].client", "cameras[1].id", "cameras[1].client", "cameras[2].id",
                "cameras[2].url", "cameras[2].enabled", "gemini",
            ]), "\(found)")
    }

    @Test func duplicateKeyAndSyntaxErrorsGiveLines() {
        let duplicate = problems("{\n\"cameras\": [],\n\"cameras\": [],\n\"clients\": []\n}")
        #expect(duplicate.contains { $0.path == "cameras" && $0.line == 3 && $0.message.contains("twice") })
        let syntax = problems("{\n  \"clients\": [],\n  \"cameras\": [],\n}")
        #expect(syntax.count == 1)
        #expect(syntax[0].line == 4)
        #expect(syntax[0].message.contains("not valid JSON"))
    }

    @Test func apiKeyInTheFileIsRefused() {
        let found = problems(
            validConfiguration(extra: #""gemini": {"api_key": "AIzaSyFAKE"},"#).replacingAll(
                #""gemini": {"model": "gemini-2.5-flash", "base_url": "http://127.0.0.1:8089"},"#, with: ""))
        #expect(found.map(\.path) == ["gemini.api_key"])
        #expect(!found[0].description.contains("AIzaSyFAKE"))
    }

    @Test func missingFileSaysWhatToDo() {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: "/nonexistent/vigil.json") }
        do {
            _ = try ConfigurationLoader.load(path: "/nonexistent/vigil.json")
        } catch {
            #expect(error.description.contains("/nonexistent/vigil.json"))
            #expect(error.description.contains("does not exist"))
        }
    }

    @Test func configPathComesFromFlagThenEnvironmentThenDefault() {
        #expect(ConfigurationLoader.path(explicit: "a.json", environment: ["VIGIL_CONFIG": "b.json"]) == "a.json")
        #expect(ConfigurationLoader.path(explicit: nil, environment: ["VIGIL_CONFIG": "b.json"]) == "b.json")
        #expect(ConfigurationLoader.path(explicit: nil, environment: [:]) == "/etc/vigil/config.json")
    }

    @Test func secretsIncludeRTSPAndDatabasePasswords() throws {
        var configuration = try ConfigurationLoader.parse(validConfiguration(), file: "t")
        configuration.database.url = "postgresql://vigil:dbpa55@db/vigil"
        #expect(Set(configuration.secrets).isSuperset(of: ["s3cr3t", "pa@ss", "dbpa55"]))
    }
}
