import Foundation

/// A PostgreSQL cluster of a test's own, which the test may stop and start (the shared one it may not).
public final class PrivateCluster: Sendable {
    public let directory: String
    public let port: Int
    private static let script = TestEnvironment.repositoryRoot + "/scripts/pg-test-cluster"

    private init(directory: String, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// Creates and starts a cluster in a new temporary directory.
    public static func start() async throws -> PrivateCluster {
        let cluster = PrivateCluster(
            directory: NSTemporaryDirectory() + "vigil-pg-" + UUID().uuidString.prefix(8), port: TestEnvironment.freePort())
        try await cluster.run("init", cluster.directory, String(cluster.port))
        return cluster
    }

    /// Stops the cluster and removes it, on a thread of its own (not on the cooperative pool).
    deinit {
        let directory = directory
        Reaper.run {
            _ = try? ProcessRunner.runBlocking(Self.script, ["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// `postgresql://vigil@127.0.0.1:PORT/postgres`.
    public var url: String { "postgresql://vigil@127.0.0.1:\(port)/postgres" }

    public func stop() async throws { try await run("stop", directory) }
    public func start() async throws { try await run("start", directory) }

    private func run(_ arguments: String...) async throws {
        let result = try await ProcessRunner.run(Self.script, arguments)
        guard result.status == 0 else {
            throw TestFailure("pg-test-cluster \(arguments.joined(separator: " ")) failed: \(result.standardError)")
        }
    }
}
