import Foundation
import Testing
import VigilCore

/// The threads blocking C calls run on.
@Suite struct WorkerPoolTests {
    @Test func aJobRunsOnAThreadOfThePoolWithItsIndex() async throws {
        let pool = WorkerPool(name: "vigil-test", threads: 3)
        let (isMain, index) = try await pool.run { thread in (Thread.isMainThread, thread) }
        #expect(!isMain && (0..<3).contains(index))
        #expect(pool.threads == 3)
    }

    @Test func aBlockedThreadDoesNotHoldUpTheOthers() async throws {
        let pool = WorkerPool(name: "vigil-test", threads: 2)
        let release = DispatchSemaphore(value: 0)
        // One thread blocks until released, as a libcurl call waiting for an answer would.
        pool.submit { _ in release.wait() }
        let answer = try await pool.run { _ in 42 }
        #expect(answer == 42)
        // The answering job leaves the count just after it resumed us; the blocked one stays.
        var waited = 0
        while pool.busy != 1 && waited < 1000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(pool.busy == 1)
        release.signal()
    }

    @Test func aPoolShutDownRefusesWork() async {
        let pool = WorkerPool(name: "vigil-test")
        pool.shutdown()
        await #expect(throws: WorkerPoolStopped.self) { try await pool.run { _ in 1 } }
    }
}
