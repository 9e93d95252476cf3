import Foundation

/// A new, empty database on the shared test cluster, one per test, so tests run in parallel.
public struct TestDatabase: Sendable {
    /// The database's connection URL.
    public let url: String
    public let name: String

    /// Creates `vigil_test_<random>` on the cluster `scripts/test` started (or on `baseURL`).
    public static func create(on baseURL: String? = TestEnvironment.databaseURL) async throws -> TestDatabase {
        guard let baseURL else { throw TestFailure("no test database: run the tests through ./scripts/test") }
        let name = "vigil_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        _ = try await ProcessRunner.psql(baseURL, "CREATE DATABASE \(name)")
        return TestDatabase(url: urlFor(database: name, base: baseURL), name: name)
    }

    /// `base` with its database name replaced.
    static func urlFor(database: String, base: String) -> String {
        guard let slash = base.range(of: "/", options: .backwards) else { return base }
        return String(base[..<slash.upperBound]) + database
    }

    /// Runs SQL through psql and returns its output.
    @discardableResult
    public func psql(_ sql: String) async throws -> String {
        try await ProcessRunner.psql(url, sql)
    }
}
