import CLibPQ
import Foundation
import VigilCore

/// One libpq connection. Blocking: use it only on a ``DatabaseClient``'s thread.
///
/// Owns its `PGconn` and closes it in `deinit`. Statements take values only as bind parameters
/// (`PQexecParams`), except ``executeScript(_:)`` which runs trusted SQL such as migrations.
final class PostgresConnection {
    private let handle: OpaquePointer
    private let redactor: SecretRedactor

    /// Connects with a libpq URL or keyword string ("" uses the `PG*` variables alone).
    ///
    /// `application_name` defaults to `vigil` and `connect_timeout` to 10 s; the connection string
    /// can override both.
    /// - Parameter settings: server settings for this session (`work_mem`: `32MB`), set by
    ///   `set_config` once connected (not as startup `options`, which connection poolers such as
    ///   PgBouncer refuse). A setting the server refuses is left at its default: it is a tuning,
    ///   not a condition of working.
    init(
        connectionString: String, redactor: SecretRedactor, applicationName: String = "vigil", settings: [String: String] = [:]
    ) throws(PostgresError) {
        let keywords = ["application_name", "connect_timeout", "dbname"]
        let values = [applicationName, "10", connectionString]
        let connection = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = redactor.redact(oneLine(String(cString: PQerrorMessage(connection))))
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message)
        }
        self.handle = connection
        self.redactor = redactor
        _ = PQsetClientEncoding(connection, "UTF8")
        // Server notices ("relation ... already exists, skipping") are not for the operator's terminal.
        _ = PQsetNoticeProcessor(connection, { _, _ in }, nil)
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            _ = try? query("SELECT set_config($1, $2, false)", [name, value])
        }
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection is still usable as far as libpq knows.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server's version number (150018 for 15.18).
    var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs one statement with `$1`, `$2`, ... bound to `parameters`.
    @discardableResult
    func query(_ sql: String, _ parameters: [any SQLParameter] = []) throws(PostgresError) -> PostgresResult {
        let texts = parameters.map(\.sqlText)
        let result = withOptionalCStrings(texts) { pointers in
            PQexecParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        return try consume(result)
    }

    /// Runs a script of one or more statements with no parameters (the simple query protocol).
    @discardableResult
    func executeScript(_ sql: String) throws(PostgresError) -> PostgresResult {
        try consume(PQexec(handle, sql))
    }

    /// Runs `COPY ... FROM STDIN` and streams `chunks` to it, in order, as one COPY's data (text
    /// format: one row a line). Returns the number of rows the server copied.
    ///
    /// A failing row fails the whole COPY (and the transaction it is in); nothing is half-copied.
    @discardableResult
    func copy(_ sql: String, from chunks: [[UInt8]]) throws(PostgresError) -> Int {
        guard let started = PQexec(handle, sql) else {
            throw failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))
        }
        guard PQresultStatus(started) == PGRES_COPY_IN else {
            _ = try consume(started)
            throw PostgresError(kind: .query, message: "the server did not start a COPY FROM STDIN for: \(sql.prefix(60))")
        }
        PQclear(started)
        var sendFailure: String?
        send: for chunk in chunks where !chunk.isEmpty {
            var offset = 0
            while offset < chunk.count {
                let length = min(1 << 20, chunk.count - offset)
                let sent = chunk.withUnsafeBytes { buffer in
                    PQputCopyData(handle, buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self), Int32(length))
                }
                if sent != 1 {
                    sendFailure = String(cString: PQerrorMessage(handle))
                    break send
                }
                offset += length
            }
        }
        // On a send failure, end the COPY with an error so the server abandons it.
        let ended = sendFailure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "client could not send the data")
        if ended != 1 && sendFailure == nil { sendFailure = String(cString: PQerrorMessage(handle)) }
        // The COPY's own result, then nothing (libpq requires reading results until NULL).
        var outcome: Result<PostgresResult, PostgresError> = .failure(
            failure(sqlState: nil, message: sendFailure ?? "COPY ended without a result"))
        var first = true
        while let result = PQgetResult(handle) {
            if first {
                first = false
                do throws(PostgresError) { outcome = .success(try consume(result)) } catch { outcome = .failure(error) }
            } else {
                PQclear(result)
            }
        }
        if let sendFailure, case .success = outcome { outcome = .failure(failure(sqlState: nil, message: sendFailure)) }
        return try outcome.get().affectedRows
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try executeScript("BEGIN")
        do {
            let value = try body(self)
            try executeScript("COMMIT")
            return value
        } catch {
            if isHealthy { _ = try? executeScript("ROLLBACK") }
            throw error
        }
    }

    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let result else {
            throw failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            break
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw failure(sqlState: state, message: String(cString: PQresultErrorMessage(result)))
        }
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        var index: [String: Int] = [:]
        for column in 0..<columnCount {
            let name = String(cString: PQfname(result, Int32(column)))
            names.append(name)
            if index[name] == nil { index[name] = column }
        }
        let rowCount = Int(PQntuples(result))
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(PostgresRow(columns: index, values: values))
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresResult(columnNames: names, rows: rows, affectedRows: affected)
    }

    private func failure(sqlState: String?, message: String) -> PostgresError {
        let text = redactor.redact(oneLine(message))
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(kind: lost ? .connectionLost : .query, sqlState: sqlState, message: text)
    }
}

/// libpq's multi-line messages as one line.
private func oneLine(_ message: String) -> String {
    message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
}

/// Calls `body` with C strings that live until it returns.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return body(pointers.map { UnsafePointer($0) } + [nil])
}

/// Like `withCStrings`, with nil for SQL NULL and no terminating nil.
private func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { $0.map { strdup($0) } ?? nil }
    defer { pointers.forEach { free($0) } }
    return body(pointers.map { UnsafePointer($0) })
}
