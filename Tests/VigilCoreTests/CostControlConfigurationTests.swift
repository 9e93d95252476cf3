import Testing

@testable import VigilCore

/// `analysis.scene_gate`, `cameras[].scene_gate` and `clients[].budget`: read with their defaults,
/// and every mistake named with its path.
struct CostControlConfigurationTests {
    static func withGate(_ gate: String, cameras: String? = nil, groups: String? = nil) -> String {
        validConfiguration(cameras: cameras, groups: groups).replacingOccurrences(
            of: #""analysis": {"interval_seconds": 5}"#, with: #""analysis": {"interval_seconds": 5, "scene_gate": \#(gate)}"#)
    }

    @Test func theGateIsOnByDefaultAndACameraOverridesWhatItSets() throws {
        let plain = try ConfigurationLoader.parse(validConfiguration(), file: "test.json")
        #expect(plain.analysis.sceneGate == SceneGateConfiguration(enabled: true, minChangedAreaPercent: 1.0, maxQuietSeconds: 300))
        let cameras = """
            [{"id": "c1", "url": "rtsp://10.0.0.11/s", "client": "acme", "scene_gate": {"enabled": false}},
             {"id": "c2", "url": "rtsp://10.0.0.12/s", "client": "acme", "scene_gate": {"max_quiet_seconds": 60}}]
            """
        let text = Self.withGate(#"{"min_changed_area_percent": 2.5, "max_quiet_seconds": 600}"#, cameras: cameras, groups: "[]")
        let configuration = try ConfigurationLoader.parse(text, file: "test.json")
        let global = configuration.analysis.sceneGate
        #expect(global == SceneGateConfiguration(enabled: true, minChangedAreaPercent: 2.5, maxQuietSeconds: 600))
        let c1 = try #require(configuration.camera("c1")?.sceneGate).applied(to: global)
        let c2 = try #require(configuration.camera("c2")?.sceneGate).applied(to: global)
        #expect(c1 == SceneGateConfiguration(enabled: false, minChangedAreaPercent: 2.5, maxQuietSeconds: 600))
        #expect(c2 == SceneGateConfiguration(enabled: true, minChangedAreaPercent: 2.5, maxQuietSeconds: 60))
    }

    @Test func badGateSettingsAreNamed() {
        let found = problems(Self.withGate(#"{"enabled": "yes", "min_changed_area_percent": 0, "max_quiet_seconds": 0.5, "heartbeat": 1}"#))
        let paths = Set(found.map(\.path))
        #expect(paths.contains("analysis.scene_gate.enabled"), "\(found)")
        #expect(paths.contains("analysis.scene_gate.min_changed_area_percent"), "\(found)")
        #expect(paths.contains("analysis.scene_gate.max_quiet_seconds"), "\(found)")
        #expect(paths.contains("analysis.scene_gate.heartbeat"), "\(found)")
    }

    @Test func aBudgetIsReadWithItsDefaults() throws {
        let clients = """
            [{"id": "acme", "name": "Acme", "budget": {"monthly_limit": "150.00"}},
             {"id": "bolt", "name": "Bolt", "budget": {"monthly_limit": 20, "warn_at_percent": [95, 50], "degrade_at_percent": 80,
                                                         "degrade_factor": 6, "at_limit": "continue"}}]
            """
        let configuration = try ConfigurationLoader.parse(validConfiguration(clients: clients), file: "test.json")
        let acme = try #require(configuration.clients.first { $0.id == "acme" }?.budget)
        #expect(acme == BudgetConfiguration(monthlyLimit: Money("150.00")!))
        #expect(acme.warnAtPercent == [50, 80, 95] && acme.degradeAtPercent == 90 && acme.degradeFactor == 4 && acme.atLimit == .pause)
        let bolt = try #require(configuration.clients.first { $0.id == "bolt" }?.budget)
        #expect(bolt.warnAtPercent == [50, 95] && bolt.degradeFactor == 6 && bolt.atLimit == .continue)
    }

    @Test func badBudgetsAreNamed() {
        let clients = """
            [{"id": "acme", "name": "Acme", "budget": {"monthly_limit": "-5", "at_limit": "stop", "warn_at_percent": [150]}},
             {"id": "bolt", "name": "Bolt", "budget": {"degrade_factor": 1}}]
            """
        let found = problems(validConfiguration(clients: clients))
        let text = found.map { "\($0.path): \($0.message)" }.joined(separator: "\n")
        #expect(text.contains("monthly_limit: must not be negative"), "\(text)")
        #expect(text.contains("at_limit"), "\(text)")
        #expect(text.contains("warn_at_percent[0]: must be a whole percentage from 1 to 100"), "\(text)")
        #expect(text.contains("monthly_limit: is missing"), "\(text)")
        #expect(text.contains("degrade_factor"), "\(text)")
    }
}
