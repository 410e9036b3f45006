import FluentKit
import SQLKit

extension Database {
    /// The database as SQLKit sees it, for the reads and writes written in SQL. Both drivers Yiwei runs on
    /// (SQLite, PostgreSQL) are SQL databases, so this cannot fail.
    var sql: any SQLDatabase { self as! any SQLDatabase }
}
