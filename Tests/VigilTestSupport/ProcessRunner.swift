import Foundation

/// What a finished program printed, and how it ended.
public struct ProcessOutput: Sendable {
    /// The exit status, or 128 + the signal number when killed by a signal.
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Held while pipes are made and a child is spawned, so no child inherits another test's pipe.
let spawnLock = NSLock()

/// Runs programs for tests with `posix_spawn`, on a thread of its own (never a cooperative one).
public enum ProcessRunner {
    /// Runs `executable` with `arguments` (and extra environment) to completion.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        input: String? = nil
    ) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment: environment, input: input) })
            }
            thread.start()
        }
    }

    /// Runs `psql` against `url` and returns its unaligned, tuples-only output, trimmed.
    public static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await run("/usr/bin/psql", [url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else {
            throw TestFailure("psql failed (\(result.status)): \(result.standardError)")
        }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The same, blocking the calling thread.
    public static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        input: String? = nil
    ) throws -> ProcessOutput {
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        var inputPipe: [Int32] = [0, 0]
        // Pipes are made close-on-exec under a lock shared by every spawn here, so no child started
        // meanwhile by another test inherits (and holds open) another test's pipe.
        spawnLock.lock()
        var locked = true
        defer { if locked { spawnLock.unlock() } }
        for index in 0..<3 {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw TestFailure("pipe failed") }
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
            switch index {
            case 0: outputPipe = ends
            case 1: errorPipe = ends
            default: inputPipe = ends
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        spawnLock.unlock()
        locked = false
        close(outputPipe[1])
        close(errorPipe[1])
        close(inputPipe[0])
        guard spawned == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            close(inputPipe[1])
            throw TestFailure("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        if let input {
            let bytes = Array(input.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(inputPipe[1], $0.baseAddress, $0.count) }
                if written <= 0 { break }
                offset += written
            }
        }
        close(inputPipe[1])
        var output = [UInt8]()
        var error = [UInt8]()
        var open: [Int32] = [outputPipe[0], errorPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    if entry.fd == outputPipe[0] { output += buffer[0..<count] } else { error += buffer[0..<count] }
                } else if count == 0 || errno != EINTR {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ProcessOutput(
            status: exitStatus, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: error, as: UTF8.self))
    }
}

/// A test helper's failure.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
