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

    /// This process's threads named `name` (the kernel's name, at most 15 bytes). Unlike a count of
    /// all threads, it does not change with what tests running alongside do.
    public static func threads(named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            // Read to the end: a procfs file has no size to read it by.
            let handle = FileHandle(forReadingAtPath: "/proc/self/task/\(task)/comm")
            defer { try? handle?.close() }
            let comm = String(decoding: (try? handle?.readToEnd()) ?? Data(), as: UTF8.self)
            return comm.trimmingCharacters(in: .newlines) == name
        }.count
    }

    /// This process's open TCP connections to `port` on this machine (IPv4), read from
    /// `/proc/net/tcp` and matched to this process's socket descriptors by inode: a count that tests
    /// running alongside, opening descriptors of their own, do not change.
    public static func connections(toPort port: Int) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let inodes = Set(
            fds.compactMap { fd -> String? in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                    target.hasPrefix("socket:[")
                else { return nil }
                return String(target.dropFirst(8).dropLast())
            })
        // Read to the end: the kernel hands out /proc/net/tcp a page per read, and reading a
        // procfs file whole by its (zero) size gets the first page only.
        let handle = FileHandle(forReadingAtPath: "/proc/self/net/tcp")
        defer { try? handle?.close() }
        let table = String(decoding: (try? handle?.readToEnd()) ?? Data(), as: UTF8.self)
        let portHex = String(format: "%04X", port)
        return table.split(separator: "\n").dropFirst().filter { line in
            let fields = line.split(separator: " ")
            // sl, local address, remote address, state, queues, timer, retransmits, uid, timeout, inode
            guard fields.count > 9 else { return false }
            return fields[2].hasSuffix(":" + portHex) && inodes.contains(String(fields[9]))
        }.count
    }
}
