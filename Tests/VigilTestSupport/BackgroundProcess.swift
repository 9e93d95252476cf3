public import Foundation

/// A long-running helper process (RTSP server, Gemini stand-in) that a test starts and stops.
///
/// Started with `posix_spawn`; its first stdout line starting with `ready ` is awaited and its
/// remainder returned as ``address``. Killed (SIGTERM, then SIGKILL) by ``stop()`` or `deinit`.
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t
    /// What followed `ready ` on its first line (such as `http://127.0.0.1:40123`).
    public private(set) var address: String = ""
    private let outputDescriptor: Int32
    private let lock = NSLock()
    private var stopped = false

    /// Starts `executable` and waits up to `timeout` seconds for its `ready` line.
    public static func start(_ executable: String, _ arguments: [String], timeout: Double = 120) async throws -> BackgroundProcess {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try BackgroundProcess(executable, arguments, timeout: timeout) })
            }.start()
        }
    }

    private init(_ executable: String, _ arguments: [String], timeout: Double) throws {
        var ends: [Int32] = [0, 0]
        spawnLock.lock()
        guard pipe(&ends) == 0 else {
            spawnLock.unlock()
            throw TestFailure("pipe failed")
        }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        spawnLock.unlock()
        close(ends[1])
        guard spawned == 0 else {
            close(ends[0])
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        self.outputDescriptor = ends[0]
        var line = [UInt8]()
        let deadline = Date().addingTimeInterval(timeout)
        var byte: UInt8 = 0
        while Date() < deadline {
            var fds = [pollfd(fd: outputDescriptor, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 200) > 0 else { continue }
            guard read(outputDescriptor, &byte, 1) == 1 else { break }
            if byte == 0x0A {
                let text = String(decoding: line, as: UTF8.self)
                if text.hasPrefix("ready ") {
                    address = String(text.dropFirst(6))
                    return
                }
                line.removeAll()
            } else {
                line.append(byte)
            }
        }
        stopBlocking()
        throw TestFailure("\(executable) did not print its ready line within \(timeout) s")
    }

    /// Ends the process (on a thread of its own, not on Swift's cooperative pool, so other tests'
    /// timing does not suffer while it dies).
    deinit {
        let pid = pid, descriptor = outputDescriptor
        let alreadyStopped = lock.withLock { stopped }
        Reaper.run {
            if !alreadyStopped { Self.terminate(pid) }
            close(descriptor)
        }
    }

    /// Stops the process and waits for it to exit, off the cooperative thread pool.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                self.stopBlocking()
                continuation.resume()
            }.start()
        }
    }

    private func stopBlocking() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        Self.terminate(pid)
    }

    /// SIGTERM, up to 5 s to exit, then SIGKILL; blocking.
    private static func terminate(_ pid: pid_t) {
        kill(pid, SIGTERM)
        for _ in 0..<50 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
