import Foundation

/// A synthetic RTSP server (`scripts/rtsp-test-server.py`) of a test's own, which it may stop and restart.
public final class RTSPTestServer: @unchecked Sendable {
    public let port: Int
    private let cameras: [String]
    private let auth: String?
    private var process: BackgroundProcess?

    /// Starts a server with `cameras` specs (`path=cam,codec=h264,size=640x480`) on a free port.
    public static func start(cameras: [String], auth: String? = nil) async throws -> RTSPTestServer {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let server = RTSPTestServer(port: TestEnvironment.freePort(), cameras: cameras, auth: auth)
            do {
                try await server.start()
                return server
            } catch {
                lastError = error  // the port was taken meanwhile: try another
            }
        }
        throw lastError ?? TestFailure("cannot start the RTSP test server")
    }

    private init(port: Int, cameras: [String], auth: String?) {
        self.port = port
        self.cameras = cameras
        self.auth = auth
    }

    /// `rtsp://127.0.0.1:PORT`.
    public var url: String { "rtsp://127.0.0.1:\(port)" }

    /// (Re)starts the server on the same port.
    public func start() async throws {
        var arguments = [
            TestEnvironment.repositoryRoot + "/scripts/rtsp-test-server.py", "--port", String(port),
            "--clips", TestEnvironment.rtspClips,
        ]
        for camera in cameras { arguments += ["--camera", camera] }
        if let auth { arguments += ["--auth", auth] }
        process = try await BackgroundProcess.start("/usr/bin/python3", arguments, timeout: 300)
    }

    /// Freezes the server (SIGSTOP): connections stay open and go silent, as when a camera hangs.
    public func freeze() {
        if let pid = process?.pid { kill(pid, SIGSTOP) }
    }

    /// Lets a frozen server go on (SIGCONT).
    public func thaw() {
        if let pid = process?.pid { kill(pid, SIGCONT) }
    }

    /// Stops the server (the cameras disappear mid-stream).
    public func stop() async {
        thaw()
        await process?.stop()
        process = nil
    }

    /// A frozen server must be let go to die; the process ends itself on a thread of its own.
    deinit { thaw() }
}

/// Counts of this process's threads and open file descriptors, for leak checks.
public enum ProcessResources {
    public static var threads: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0 }
    public static var fileDescriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }
}
