import Foundation
import Testing
import VigilStore

@testable import VigilConsole

/// The overview's cameras down now, from the catalog's cameras: no server.
struct CamerasDownTests {
    static func camera(_ id: String, enabled: Bool = true, active: Bool = true, streaming: Bool, downSince: Double? = nil)
        -> ConsoleCatalog.Camera
    {
        ConsoleCatalog.Camera(
            id: id, name: id, client: "acme", enabled: enabled, active: active, streaming: streaming,
            downSince: downSince.map { Date(timeIntervalSince1970: $0) }, lastError: downSince == nil ? nil : "eof")
    }

    @Test func enabledCamerasNotStreamingNeverConnectedFirstThenLongestDown() {
        let cameras = [
            Self.camera("a-streaming", streaming: true),
            Self.camera("b-recent", streaming: false, downSince: 2000),
            Self.camera("c-never", streaming: false),
            Self.camera("d-disabled", enabled: false, streaming: false),
            Self.camera("e-removed", active: false, streaming: false, downSince: 10),
            Self.camera("f-long", streaming: false, downSince: 1000),
            Self.camera("g-long-too", streaming: false, downSince: 1000),
        ]
        #expect(Page.Overview.down(cameras).map(\.id) == ["c-never", "f-long", "g-long-too", "b-recent"])
        #expect(Page.Overview.down([]).isEmpty)
    }
}
