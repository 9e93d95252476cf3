import Foundation

/// What `scripts/test` set up for the tests, read from its environment variables.
public enum TestEnvironment {
    static let variables = ProcessInfo.processInfo.environment

    /// The repository root (found from this file's path).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `postgresql://vigil@127.0.0.1:PORT/postgres` of the shared test cluster, if running.
    public static var databaseURL: String? { variables["VIGIL_TEST_DATABASE_URL"] }

    /// `rtsp://127.0.0.1:PORT` of the shared synthetic cameras, if running.
    public static var rtspURL: String? { variables["VIGIL_TEST_RTSP_URL"] }

    /// The clip cache directory of the RTSP test server.
    public static var rtspClips: String {
        variables["VIGIL_TEST_RTSP_CLIPS"] ?? NSTemporaryDirectory() + "vigil-rtsp-clips"
    }

    /// Whether a PostgreSQL cluster is available (run the tests through ./scripts/test).
    public static var hasDatabase: Bool { databaseURL != nil }
    /// Whether the RTSP test server is available (run the tests through ./scripts/test).
    public static var hasRTSP: Bool { rtspURL != nil }

    /// The built `vigil` executable next to the test bundle (in `$VIGIL_BUILD_PATH` when set, else `.build`).
    public static var vigilExecutable: String {
        let folder = variables["VIGIL_BUILD_PATH"] ?? ".build"
        let candidates = ["\(folder)/debug/vigil", "\(folder)/release/vigil"].map { $0.hasPrefix("/") ? $0 : repositoryRoot + "/" + $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// A free TCP port on 127.0.0.1, never the same one twice in this process (tests run in parallel).
    public static func freePort() -> Int {
        while true {
            let port = anyFreePort()
            handedOut.lock()
            let fresh = handedOut.ports.insert(port).inserted
            handedOut.unlock()
            if fresh { return port }
        }
    }

    private final class PortRegistry: @unchecked Sendable {
        private let mutex = NSLock()
        var ports: Set<Int> = []
        func lock() { mutex.lock() }
        func unlock() { mutex.unlock() }
    }

    private static let handedOut = PortRegistry()

    private static func anyFreePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
