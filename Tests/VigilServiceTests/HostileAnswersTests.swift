import Foundation
import Testing
import VigilTestSupport

/// `vigil run` against a stand-in that answers like a broken or malicious server: impossible token
/// counts, absurd retry delays, huge, deep, HTML, empty, cut-off and missing answers.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(4)))
struct HostileAnswersTests {
    static let faults = [
        "usage-negative=0.05", "usage-2p63=0.05", "usage-1e17=0.04", "usage-float=0.04", "usage-string=0.04",
        "429:nans=0.04", "429-retry-after:nan=0.04", "429:1e300s=0.03", "large:12=0.03", "deep:100000=0.03", "html=0.03",
        "empty=0.03", "cut-off=0.03", "close=0.03",
    ].joined(separator: ",")

    @Test func theDaemonNeverExitsAndEveryRequestIsARowWithNothingNegative() async throws {
        let setup = try await DaemonTests.setUp(faults: Self.faults)
        let daemon = try DaemonTests.start(setup)
        #expect(await daemon.waitForLog("[Till] ", count: 20, timeout: 150), "\(daemon.log)")
        #expect(await DaemonTests.stop(daemon) == 0, "\(daemon.log)")
        #expect(!daemon.log.contains("Fatal error"))
        let stats = try await setup.standIn.stats()
        let requests = stats["requests"] ?? -1
        #expect(requests >= 20)
        #expect(try await setup.database.psql("SELECT count(*), count(DISTINCT request_id) FROM api_usage") == "\(requests)|\(requests)")
        // Nothing negative reaches a bill.
        #expect(
            try await setup.database.psql(
                "SELECT count(*) FROM api_usage WHERE cost < 0 OR prompt_tokens < 0 OR cached_tokens < 0 OR completion_tokens < 0 OR thoughts_tokens < 0 OR total_tokens < 0"
            ) == "0")
        // Every impossible usage is flagged, kept raw and left without cost; nothing else is.
        let impossible = stats.filter { $0.key.hasPrefix("by_fault.usage-") }.values.reduce(0, +)
        #expect(
            try await setup.database.psql(
                "SELECT count(*) FROM api_usage WHERE usage_invalid IS NOT NULL AND raw_usage IS NOT NULL AND cost IS NULL")
                == "\(impossible)")
        #expect(try await setup.database.psql("SELECT count(*) FROM api_usage WHERE usage_invalid IS NOT NULL") == "\(impossible)")
        // No verdict was invented for an answer that had none.
        #expect(
            try await setup.database.psql(
                "SELECT count(*) FROM api_usage u WHERE NOT u.success AND EXISTS (SELECT 1 FROM analyses a WHERE a.usage_id = u.id)") == "0"
        )
        #expect(!daemon.log.contains(DaemonTests.apiKey))
    }
}
