import Testing

@testable import VigilCore

@Suite struct AnalysisPlanTests {
    @Test func groupsComeFirstThenSingles() throws {
        let configuration = try ConfigurationLoader.parse(validConfiguration(), file: "t")
        let plan = AnalysisPlan(configuration)
        #expect(plan.sources.map(\.id) == ["forecourt", "c5"])
        #expect(plan.sources.map(\.kind) == ["group", "camera"])
        #expect(plan.sources[0].cameras.map(\.id) == ["c1", "c2", "c3", "c4"])
        #expect(plan.sources[0].displayName == "group forecourt")
        #expect(plan.cameras.count == 5)
    }

    @Test func autoGroupTilesEachClientInFoursInOrder() throws {
        let cameras =
            (1...6).map { #"{"id": "a\#($0)", "url": "rtsp://h/\#($0)", "client": "acme"}"# }
            + (1...5).map { #"{"id": "b\#($0)", "url": "rtsp://h/b\#($0)", "client": "bolt"}"# }
        var configuration = try ConfigurationLoader.parse(
            validConfiguration(cameras: "[\(cameras.joined(separator: ","))]", groups: "[]"), file: "t")
        configuration.analysis.autoGroup = true
        let plan = AnalysisPlan(configuration)
        #expect(plan.sources.map(\.id) == ["auto-a1", "a5", "a6", "auto-b1", "b5"])
        #expect(plan.sources[0].cameras.map(\.id) == ["a1", "a2", "a3", "a4"])
        #expect(plan.sources.allSatisfy { Set($0.cameras.map(\.client)).count == 1 })
    }

    @Test func disabledCamerasAreNotAnalysedAlone() throws {
        var configuration = try ConfigurationLoader.parse(validConfiguration(), file: "t")
        configuration.cameras[4].enabled = false
        #expect(AnalysisPlan(configuration).sources.map(\.id) == ["forecourt"])
    }

    @Test func backoffDoublesWithJitterUpToTheCap() {
        var generator = SystemRandomNumberGenerator()
        let backoff = ExponentialBackoff(initial: 1, cap: 60)
        for attempt in 0..<12 {
            let delay = backoff.delay(attempt: attempt, using: &generator)
            let base = min(60, Double(1 << attempt))
            #expect(delay >= base * 0.8 && delay <= min(60, base * 1.2))
        }
        #expect(ExponentialBackoff(initial: 1, cap: 60, jitter: 0).delay(attempt: 100) == 60)
    }

    @Test func tokenUsageArithmetic() {
        let usage = TokenUsage(promptTokens: 345, cachedTokens: 191, candidatesTokens: 80, thoughtsTokens: 141, totalTokens: 566)
        #expect(usage.isTotalConsistent)
        #expect(usage.inputBilledTokens == 154)
        #expect(usage.outputBilledTokens == 221)
        #expect(!TokenUsage(promptTokens: 1, totalTokens: 5).isTotalConsistent)
    }

    @Test func threadNamesFitTheKernelsFifteenBytes() {
        #expect(ThreadName.fitted("vigil-image-0") == "vigil-image-0")
        #expect(ThreadName.fitted("cam-front-door-north") == "cam-front-door-")
        // "é" is two bytes: it is left out rather than cut in half.
        #expect(ThreadName.fitted("cam-caméra-entrée") == "cam-caméra-ent")
        #expect(ThreadName.fitted("cam-abcdefghijé") == "cam-abcdefghij")
    }
}
