/// The rows a statement returned, copied out of libpq so no C memory outlives the call.
package struct PostgresResult: Sendable {
    /// Column names in order.
    package var columnNames: [String]
    /// The rows.
    package var rows: [PostgresRow]
    /// Rows affected, for INSERT, UPDATE and DELETE (`PQcmdTuples`), else 0.
    package var affectedRows: Int

    /// The first row, if any.
    package var first: PostgresRow? { rows.first }
}
