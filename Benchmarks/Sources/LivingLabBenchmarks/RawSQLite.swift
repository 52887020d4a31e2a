import Foundation
import GRDBSQLite

/// The baseline: libsqlite3 driven directly, with a prepared INSERT into a bare table.
final class RawSQLite {
    private var db: OpaquePointer?
    private var insert: OpaquePointer?
    private var audit: OpaquePointer?

    /// Opens `path` with the same settings as the lab store: WAL, `synchronous` as given.
    ///
    /// With `keysAndAudit`, the table also has the store's unique (protocol, idempotency key) constraint and every
    /// transaction appends one row of the same size as the store's audit entry to an audit table: the rows the store's
    /// invariants make it write, without the store.
    init(path: String, synchronous: String, keysAndAudit: Bool = false) throws {
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw BenchmarkError("cannot open \(path)") }
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = \(synchronous);")
        try exec("""
            CREATE TABLE IF NOT EXISTS outcome (protocolID TEXT, protocolVersion INTEGER, merchantID TEXT, arm TEXT, metric TEXT,
                value REAL, unit TEXT, at INTEGER, source TEXT, idempotencyKey TEXT\(keysAndAudit ? ", UNIQUE (protocolID, idempotencyKey)" : ""))
            """)
        if keysAndAudit {
            try exec("""
                CREATE TABLE IF NOT EXISTS auditEntry (sequence INTEGER PRIMARY KEY, at INTEGER, actor TEXT, action TEXT,
                    subjects TEXT, details TEXT, previousHash TEXT, hash TEXT)
                """)
            guard sqlite3_prepare_v2(db, """
                INSERT INTO auditEntry (at, actor, action, subjects, details, previousHash, hash)
                VALUES (1800000000000, 'bench', 'outcome.batch', '["p1"]', '{"duplicates":0,"rejected":{},"rows":[1,1],"stored":1}',
                        '\(String(repeating: "0", count: 64))', '\(String(repeating: "f", count: 64))')
                """, -1, &audit, nil) == SQLITE_OK else {
                throw BenchmarkError("cannot prepare the audit insert")
            }
        }
        guard sqlite3_prepare_v2(db, "INSERT INTO outcome VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &insert, nil) == SQLITE_OK else {
            throw BenchmarkError("cannot prepare insert")
        }
    }

    deinit {
        sqlite3_finalize(audit)
        sqlite3_finalize(insert)
        sqlite3_close(db)
    }

    func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw BenchmarkError("sqlite: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    /// Inserts rows in one transaction.
    func insert(_ rows: [BenchmarkOutcome]) throws {
        try exec("BEGIN")
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for row in rows {
            sqlite3_bind_text(insert, 1, row.protocolID, -1, transient)
            sqlite3_bind_int64(insert, 2, 1)
            sqlite3_bind_text(insert, 3, row.merchantID, -1, transient)
            sqlite3_bind_text(insert, 4, row.arm, -1, transient)
            sqlite3_bind_text(insert, 5, row.metric, -1, transient)
            sqlite3_bind_double(insert, 6, row.value)
            sqlite3_bind_text(insert, 7, "count", -1, transient)
            sqlite3_bind_int64(insert, 8, Int64(row.at.timeIntervalSince1970 * 1000))
            sqlite3_bind_text(insert, 9, "bench", -1, transient)
            sqlite3_bind_text(insert, 10, row.key, -1, transient)
            guard sqlite3_step(insert) == SQLITE_DONE else { throw BenchmarkError("insert failed") }
            sqlite3_reset(insert)
        }
        if let audit {
            guard sqlite3_step(audit) == SQLITE_DONE else { throw BenchmarkError("audit insert failed") }
            sqlite3_reset(audit)
        }
        try exec("COMMIT")
    }
}

/// One outcome row as both sides of a comparison insert it.
struct BenchmarkOutcome {
    var protocolID: String
    var merchantID: String
    var arm: String
    var metric: String
    var value: Double
    var at: Date
    var key: String
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
