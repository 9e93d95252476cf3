import Foundation
import Testing

@testable import VigilCore

/// `gemini.service_tier`, `gemini.flex_request_timeout_seconds`, `gemini.flex_fallback` and the
/// per-camera and per-group `service_tier` and `media_resolution`: read with their defaults, every
/// mistake named with its path and what to do, and the tier and resolution of each analysis source.
struct ServiceTierConfigurationTests {
    /// The valid test configuration with these keys added to its `gemini` object.
    static func withGemini(_ keys: String, cameras: String? = nil, groups: String? = nil) -> String {
        validConfiguration(cameras: cameras, groups: groups).replacingOccurrences(
            of: #""base_url": "http://127.0.0.1:8089"}"#, with: #""base_url": "http://127.0.0.1:8089", \#(keys)}"#)
    }

    /// "path: message — hint" of each problem.
    static func described(_ found: [ConfigurationProblem]) -> String {
        found.map { "\($0.shownPath): \($0.message) — \($0.hint)" }.joined(separator: "\n")
    }

    /// Cameras `a1`... of the client acme, each with the JSON members given for it (if any).
    static func cameras(_ count: Int, _ extra: [Int: String] = [:]) -> String {
        let cameras = (1...count).map { index in
            #"{"id": "a\#(index)", "url": "rtsp://h/\#(index)", "client": "acme"\#(extra[index].map { ", \($0)" } ?? "")}"#
        }
        return "[\(cameras.joined(separator: ",\n "))]"
    }

    static func camera(_ id: String, tier: ServiceTier? = nil, resolution: MediaResolution? = nil) -> CameraConfiguration {
        CameraConfiguration(
            id: id, name: id, url: try! StreamURL.parse("rtsp://h/\(id)"), client: "acme", serviceTier: tier, mediaResolution: resolution)
    }

    // MARK: Reading

    @Test func withoutTheKeysEveryDefaultApplies() throws {
        let gemini = GeminiConfiguration()
        #expect(gemini.serviceTier == .standard)
        #expect(gemini.flexRequestTimeoutSeconds == 900)
        #expect(gemini.flexFallback == nil)
        #expect(gemini.mediaResolution == nil && gemini.mediaResolutionLevel == nil)
        let configuration = try ConfigurationLoader.parse(validConfiguration(), file: "test.json")
        #expect(configuration.gemini.serviceTier == .standard && configuration.gemini.flexRequestTimeoutSeconds == 900)
        #expect(configuration.gemini.flexFallback == nil && configuration.gemini.mediaResolutionLevel == nil)
        #expect(configuration.cameras.allSatisfy { $0.serviceTier == nil && $0.mediaResolution == nil })
        #expect(configuration.groups.allSatisfy { $0.serviceTier == nil && $0.mediaResolution == nil })
    }

    @Test func everyKeyIsRead() throws {
        let cameras = """
            [{"id": "c1", "url": "rtsp://h/1", "client": "acme", "service_tier": "flex"},
             {"id": "c2", "url": "rtsp://h/2", "client": "acme", "media_resolution": "LOW"},
             {"id": "c3", "url": "rtsp://h/3", "client": "acme"},
             {"id": "c4", "url": "rtsp://h/4", "client": "acme"},
             {"id": "c5", "url": "rtsp://h/5", "client": "bolt", "service_tier": "priority", "media_resolution": "HIGH"}]
            """
        let groups = #"[{"id": "forecourt", "cameras": ["c1", "c2", "c3", "c4"], "service_tier": "flex", "media_resolution": "LOW"}]"#
        let text = Self.withGemini(
            #""service_tier": "priority", "flex_request_timeout_seconds": 1200.5, "flex_fallback": "standard", "media_resolution": "MEDIUM""#,
            cameras: cameras, groups: groups)
        let configuration = try ConfigurationLoader.parse(text, file: "test.json")
        #expect(configuration.gemini.serviceTier == .priority)
        #expect(configuration.gemini.flexRequestTimeoutSeconds == 1200.5)
        #expect(configuration.gemini.flexFallback == .standard)
        #expect(configuration.gemini.mediaResolution == "MEDIUM")
        #expect(configuration.gemini.mediaResolutionLevel == .medium)
        #expect(configuration.camera("c1")?.serviceTier == .flex && configuration.camera("c1")?.mediaResolution == nil)
        #expect(configuration.camera("c2")?.serviceTier == nil && configuration.camera("c2")?.mediaResolution == .low)
        #expect(configuration.camera("c5")?.serviceTier == .priority && configuration.camera("c5")?.mediaResolution == .high)
        let group = try #require(configuration.groups.first)
        #expect(group.serviceTier == .flex && group.mediaResolution == .low)
    }

    @Test func theRangesOfTheFlexTimeoutAreItsEnds() throws {
        for seconds in [10.0, 3600] {
            let configuration = try ConfigurationLoader.parse(
                Self.withGemini(#""flex_request_timeout_seconds": \#(seconds)"#), file: "test.json")
            #expect(configuration.gemini.flexRequestTimeoutSeconds == seconds)
        }
        for seconds in ["9.9", "3601", "\"900\""] {
            let found = problems(Self.withGemini(#""flex_request_timeout_seconds": \#(seconds)"#))
            #expect(found.map(\.path) == ["gemini.flex_request_timeout_seconds"], "\(Self.described(found))")
        }
    }

    // MARK: Mistakes

    @Test func anUnknownTierIsNamedWithWhatToWrite() {
        let found = problems(Self.withGemini(#""service_tier": "cheap""#))
        #expect(found.map(\.path) == ["gemini.service_tier"])
        #expect(found.first?.message == #"is "cheap", not a service tier"#)
        let hint = found.first?.hint ?? ""
        #expect(hint.contains(#""standard""#) && hint.contains(#""flex""#) && hint.contains(#""priority""#), "\(hint)")
        #expect(!hint.contains("remove the key"), "the top-level tier has nothing to follow: \(hint)")
        // A tier in capitals is refused, with the spelling to use.
        let capitals = problems(Self.withGemini(#""service_tier": "FLEX""#))
        #expect(capitals.map(\.path) == ["gemini.service_tier"])
        #expect(capitals.first?.hint.hasPrefix(#"write it in lower case: "flex""#) == true, "\(Self.described(capitals))")
        let wrongType = problems(Self.withGemini(#""service_tier": 1"#))
        #expect(wrongType.map(\.message) == ["must be a string, found a number"], "\(Self.described(wrongType))")
    }

    @Test(arguments: ["priority", "flex", "Standard", ""])
    func aFallbackOtherThanStandardIsRefused(value: String) {
        let found = problems(Self.withGemini(#""flex_fallback": "\#(value)""#))
        #expect(found.map(\.path) == ["gemini.flex_fallback"], "\(Self.described(found))")
        if !value.isEmpty {
            #expect(found.first?.message == #"is "\#(value)"; a flex call the API sheds can only be retried at "standard""#)
            #expect(found.first?.hint.contains("remove the key for no fallback") == true)
        }
    }

    @Test func anUnknownResolutionIsNamedWithWhatToWrite() {
        let cameras = #"[{"id": "c1", "url": "rtsp://h/1", "client": "acme", "media_resolution": "ULTRA"}]"#
        let found = problems(validConfiguration(cameras: cameras, groups: "[]"))
        #expect(found.map(\.path) == ["cameras[0].media_resolution"])
        #expect(found.first?.shownPath == #"cameras[0] ("c1").media_resolution"#)
        #expect(found.first?.message == #"is "ULTRA", not a media resolution"#)
        let hint = found.first?.hint ?? ""
        #expect(hint.contains(#""LOW" (280 tokens per image"#) && hint.contains("follow gemini.media_resolution"), "\(hint)")
        let lowerCase = problems(
            validConfiguration(cameras: #"[{"id": "c1", "url": "rtsp://h/1", "client": "acme", "media_resolution": "low"}]"#, groups: "[]"))
        #expect(lowerCase.first?.hint.hasPrefix(#"write it in capitals: "LOW""#) == true, "\(Self.described(lowerCase))")
    }

    @Test func badGroupAndCameraValuesAreNamed() {
        let cameras = Self.cameras(4, [2: #""service_tier": "slow""#])
        let groups = #"[{"id": "g", "cameras": ["a1", "a2", "a3", "a4"], "service_tier": "fast", "media_resolution": "MAX"}]"#
        let found = problems(validConfiguration(cameras: cameras, groups: groups))
        #expect(
            Set(found.map(\.path)) == ["cameras[1].service_tier", "groups[0].service_tier", "groups[0].media_resolution"],
            "\(Self.described(found))")
        #expect(found.allSatisfy { $0.hint.contains("remove the key to follow gemini.") }, "\(Self.described(found))")
    }

    @Test func misspelledKeysAreRefusedWithASuggestion() {
        let found = problems(Self.withGemini(#""service_teir": "flex""#))
        #expect(found.map(\.path) == ["gemini.service_teir"])
        #expect(found.first?.hint.contains(#"did you mean "service_tier"?"#) == true)
        let camera = problems(
            validConfiguration(cameras: #"[{"id": "c1", "url": "rtsp://h/1", "client": "acme", "media_resolutions": "LOW"}]"#, groups: "[]")
        )
        #expect(camera.map(\.path) == ["cameras[0].media_resolutions"])
    }

    @Test func aGroupedCameraMayNotAskForADifferentTierOrResolution() {
        // The group sets nothing: its call follows gemini (standard, the model's resolution).
        let cameras = Self.cameras(4, [2: #""service_tier": "flex""#, 3: #""media_resolution": "LOW""#, 4: #""service_tier": "standard""#])
        let groups = #"[{"id": "site", "cameras": ["a1", "a2", "a3", "a4"]}]"#
        let found = problems(validConfiguration(cameras: cameras, groups: groups))
        #expect(found.map(\.path) == ["cameras[1].service_tier", "cameras[2].media_resolution"], "\(Self.described(found))")
        #expect(found.first?.shownPath == #"cameras[1] ("a2").service_tier"#)
        #expect(
            found.first?.message
                == #"is "flex", but this camera is sent in the one call of the group "site", which asks for "standard" (gemini.service_tier)"#
        )
        #expect(found.first?.hint.hasPrefix(#"set "service_tier": "flex" on the group "site" instead"#) == true)
        #expect(found.last?.message.hasSuffix(#"the group "site", which uses the model's default resolution"#) == true)
        #expect(found.last?.hint.hasPrefix(#"set "media_resolution": "LOW" on the group "site" instead"#) == true)

        // The group's own setting is what a camera must repeat; gemini's is not.
        let own = Self.cameras(4, [1: #""service_tier": "flex", "media_resolution": "LOW""#, 2: #""service_tier": "standard""#])
        let flexGroup = #"[{"id": "site", "cameras": ["a1", "a2", "a3", "a4"], "service_tier": "flex", "media_resolution": "LOW"}]"#
        let mismatch = problems(validConfiguration(cameras: own, groups: flexGroup))
        #expect(mismatch.map(\.path) == ["cameras[1].service_tier"], "\(Self.described(mismatch))")
        #expect(mismatch.first?.message.hasSuffix(#"which asks for "flex""#) == true, "\(Self.described(mismatch))")

        // A camera repeating gemini's settings in a group that follows gemini is accepted.
        let repeating = Self.cameras(4, [1: #""service_tier": "priority", "media_resolution": "HIGH""#])
        let accepted = problems(
            Self.withGemini(
                #""service_tier": "priority", "media_resolution": "HIGH""#, cameras: repeating,
                groups: #"[{"id": "site", "cameras": ["a1", "a2", "a3", "a4"]}]"#))
        #expect(accepted.isEmpty, "\(Self.described(accepted))")
    }

    @Test func theExampleConfigurationShowsTiersAndResolutions() throws {
        let configuration = try withExampleConfiguration { text in try ConfigurationLoader.parse(text, file: "config.example.json") }
        #expect(configuration.gemini.serviceTier == .standard)
        #expect(configuration.cameras.contains { $0.serviceTier == .flex })
        #expect(configuration.groups.contains { $0.mediaResolution == .low })
    }

    // MARK: The wire form and the levels

    @Test(arguments: [
        ("standard", ServiceTier.standard), ("STANDARD", .standard), ("Standard", .standard), ("SERVICE_TIER_STANDARD", .standard),
        ("service_tier_standard", .standard), ("flex", .flex), ("FLEX", .flex), ("SERVICE_TIER_FLEX", .flex),
        ("priority", .priority), ("Priority", .priority), ("SERVICE_TIER_PRIORITY", .priority),
        ("unspecified", .standard), ("UNSPECIFIED", .standard), ("SERVICE_TIER_UNSPECIFIED", .standard),
    ])
    func everyWireFormOfATierIsRead(wire: String, tier: ServiceTier) {
        #expect(ServiceTier(wire: wire) == tier)
    }

    @Test(arguments: [
        "", "cheap", "SERVICE_TIER_", "SERVICE_TIER_CHEAP", " flex", "flex ", "SERVICE_TIER_SERVICE_TIER_FLEX", "TIER_FLEX",
        "ſtandard", "ﬂex", "batch", "provisioned_throughput", "STANDARD\t",
    ])
    func anythingElseIsNoTier(wire: String) {
        #expect(ServiceTier(wire: wire) == nil)
    }

    @Test func anOverlongWireTierIsNotRead() {
        // No tier is longer than 24 characters; the bound keeps a hostile answer from being upper-cased whole.
        #expect(ServiceTier(wire: "SERVICE_TIER_STANDARD" + String(repeating: "_", count: 20)) == nil)  // 41 characters
        #expect(ServiceTier(wire: String(repeating: "flex", count: 1_000_000)) == nil)
    }

    @Test func theRawValuesAreTheConfigurationWords() throws {
        #expect(ServiceTier.allCases.map(\.rawValue) == ["standard", "flex", "priority"])
        let encoded = try JSONEncoder().encode([ServiceTier.flex])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["flex"]"#)
        #expect(try JSONDecoder().decode([ServiceTier].self, from: encoded) == [.flex])
    }

    @Test func eachResolutionHasItsWireLevelAndImageBudget() {
        #expect(MediaResolution.allCases.map(\.rawValue) == ["LOW", "MEDIUM", "HIGH"])
        #expect(MediaResolution.allCases.map(\.wireLevel) == ["MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH"])
        #expect(MediaResolution.allCases.map(\.imageTokenBudget) == [280, 560, 1120])
    }

    // MARK: Analysis sources

    @Test func aCameraSourceUsesItsOwnSettingElseTheDefault() {
        let plain = AnalysisSource.camera(Self.camera("x"))
        #expect(plain.serviceTier(default: .standard) == .standard)
        #expect(plain.serviceTier(default: .flex) == .flex)
        #expect(plain.mediaResolution(default: nil) == nil)
        #expect(plain.mediaResolution(default: .medium) == .medium)
        let own = AnalysisSource.camera(Self.camera("y", tier: .priority, resolution: .low))
        #expect(own.serviceTier(default: .flex) == .priority)
        #expect(own.mediaResolution(default: .high) == .low)
        #expect(own.mediaResolution(default: nil) == .low)
    }

    @Test func aGroupSourceUsesTheGroupsSettingElseTheDefault() {
        // The cameras' own settings are not the group's.
        let cameras = ["a", "b", "c", "d"].map { Self.camera($0, tier: .priority, resolution: .high) }
        let plain = AnalysisSource.group(GroupConfiguration(id: "g", cameras: cameras.map(\.id)), cameras)
        #expect(plain.serviceTier(default: .standard) == .standard)
        #expect(plain.mediaResolution(default: nil) == nil)
        #expect(plain.mediaResolution(default: .medium) == .medium)
        let own = AnalysisSource.group(
            GroupConfiguration(id: "g", cameras: cameras.map(\.id), serviceTier: .flex, mediaResolution: .low), cameras)
        #expect(own.serviceTier(default: .priority) == .flex)
        #expect(own.mediaResolution(default: .high) == .low)
    }

    @Test func aConfiguredGroupsSourceCarriesItsSettings() throws {
        let groups = #"[{"id": "forecourt", "cameras": ["c1", "c2", "c3", "c4"], "service_tier": "flex", "media_resolution": "LOW"}]"#
        let configuration = try ConfigurationLoader.parse(Self.withGemini(#""media_resolution": "HIGH""#, groups: groups), file: "t")
        let plan = AnalysisPlan(configuration)
        let gemini = configuration.gemini
        #expect(plan.sources.map(\.id) == ["forecourt", "c5"])
        #expect(plan.sources.map { $0.serviceTier(default: gemini.serviceTier) } == [.flex, .standard])
        #expect(plan.sources.map { $0.mediaResolution(default: gemini.mediaResolutionLevel) } == [.low, .high])
    }

    // MARK: Auto groups

    /// The plan of `cameras` of acme and the one camera of bolt, with `analysis.auto_group` on.
    static func autoPlan(_ cameras: String, gemini: String? = nil) throws -> (AnalysisPlan, GeminiConfiguration) {
        let text = gemini.map { Self.withGemini($0, cameras: cameras, groups: "[]") } ?? validConfiguration(cameras: cameras, groups: "[]")
        var configuration = try ConfigurationLoader.parse(text, file: "t")
        configuration.analysis.autoGroup = true
        return (AnalysisPlan(configuration), configuration.gemini)
    }

    @Test func autoGroupsJoinOnlyCamerasWithTheSameTierAndResolution() throws {
        // a2, a4, a6, a8 ask for flex; a9 asks for LOW images; the rest follow gemini.
        let flex = #""service_tier": "flex""#
        let (plan, gemini) = try Self.autoPlan(
            Self.cameras(10, [2: flex, 4: flex, 6: flex, 8: flex, 9: #""media_resolution": "LOW""#]))
        #expect(plan.sources.map(\.id) == ["auto-a1", "auto-a2", "a9", "a10"])
        #expect(plan.sources[0].cameras.map(\.id) == ["a1", "a3", "a5", "a7"])
        #expect(plan.sources[1].cameras.map(\.id) == ["a2", "a4", "a6", "a8"])
        #expect(plan.sources.map { $0.serviceTier(default: gemini.serviceTier) } == [.standard, .flex, .standard, .standard])
        #expect(plan.sources.map { $0.mediaResolution(default: gemini.mediaResolutionLevel) } == [nil, nil, .low, nil])
        if case .group(let group, _) = plan.sources[1] {
            #expect(group.serviceTier == .flex && group.mediaResolution == nil)
            #expect(group.name == "auto a2, a4, a6, a8")
        } else {
            Issue.record("auto-a2 is not a group")
        }
        // Every camera is still analysed exactly once.
        #expect(plan.cameras.map(\.id).sorted() == (1...10).map { "a\($0)" }.sorted())
    }

    @Test func theRemainderOfEachPartGoesAloneInConfigurationOrder() throws {
        // Three flex cameras and five others: one auto group of four, four cameras alone.
        let flex = #""service_tier": "flex""#
        let (plan, _) = try Self.autoPlan(Self.cameras(8, [1: flex, 3: flex, 5: flex]))
        #expect(plan.sources.map(\.id) == ["auto-a2", "a1", "a3", "a5", "a8"])
        #expect(plan.sources[0].cameras.map(\.id) == ["a2", "a4", "a6", "a7"])
    }

    @Test func camerasWhoseSettingsComeToTheSameAreGroupedTogether() throws {
        // a1 says "standard", which is gemini's default: it joins the cameras that say nothing, and
        // the group, whose cameras do not all say the same, follows gemini.
        let (plan, gemini) = try Self.autoPlan(Self.cameras(4, [1: #""service_tier": "standard""#]))
        #expect(plan.sources.map(\.id) == ["auto-a1"])
        if case .group(let group, _) = plan.sources[0] {
            #expect(group.serviceTier == nil)
        } else {
            Issue.record("auto-a1 is not a group")
        }
        #expect(plan.sources[0].serviceTier(default: gemini.serviceTier) == .standard)

        // With gemini at flex and LOW, a camera saying flex and LOW is grouped with those saying nothing.
        let (flexPlan, flexGemini) = try Self.autoPlan(
            Self.cameras(4, [3: #""service_tier": "flex", "media_resolution": "LOW""#]),
            gemini: #""service_tier": "flex", "media_resolution": "LOW""#)
        #expect(flexPlan.sources.map(\.id) == ["auto-a1"])
        #expect(flexPlan.sources[0].serviceTier(default: flexGemini.serviceTier) == .flex)
        #expect(flexPlan.sources[0].mediaResolution(default: flexGemini.mediaResolutionLevel) == .low)

        // When all four set the same, the auto group carries it.
        let all = #""service_tier": "priority", "media_resolution": "MEDIUM""#
        let (samePlan, _) = try Self.autoPlan(Self.cameras(4, [1: all, 2: all, 3: all, 4: all]))
        #expect(samePlan.sources.map(\.id) == ["auto-a1"])
        #expect(samePlan.sources[0].serviceTier(default: .standard) == .priority)
        #expect(samePlan.sources[0].mediaResolution(default: nil) == .medium)
    }
}
