/// The rows a statement returned, copied out of libpq so no C memory outlives the call.
public struct PostgresResult: Sendable {
    /// Column names in order.
    public var columnNames: [String]
    /// The rows.
    public var rows: [PostgresRow]
    /// Rows affected, for INSERT, UPDATE and DELETE (`PQcmdTuples`), else 0.
    public var affectedRows: Int

    /// The first row, if any.
    public var first: PostgresRow? { rows.first }
}
