import FluentKit
import SQLKit

extension Database {
    /// The database as SQLKit sees it, for the reads and writes written in SQL. Both drivers Yiwei runs on
    /// (SQLite, PostgreSQL) are SQL databases, so this cannot fail.
    package var sql: any SQLDatabase { self as! any SQLDatabase }
}

extension Array {
    /// Bulk inserts go in pieces (a statement has a bound-parameter limit).
    /// The array in consecutive pieces of at most `size` elements.
    package func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
