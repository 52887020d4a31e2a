import Foundation
import GRDB
import GRDBSQLite
import LivingLabCore
import Logging
import Synchronization

/// The lab's persistent state on one SQLite file (WAL mode, foreign keys on, named migrations).
///
/// Every state-changing method runs in one write transaction that also appends its audit entry, so a change and its
/// audit trail are committed together or not at all. The consent gate (``decide(merchantID:protocolID:purpose:at:)``)
/// answers from an in-memory ``ConsentIndex`` kept in step with the ledger.
public final class SQLiteLabStore: LabStore {
    /// The underlying connection pool (WAL: readers never block the writer).
    let pool: DatabasePool
    /// The clock that stamps consent events, audit entries and commits.
    public let clock: any LabClock
    let logger: Logger
    /// The consent gate's cache; refreshed from the ledger whenever another connection appended to it.
    let gateCache = Mutex(GateCache())
    /// Bumped inside every transaction that may change consent, enrollments, assignments or protocols, so that the
    /// cached trial views of outcome batches are reloaded after it.
    let generation = Atomic<UInt64>(0)
    /// Puts consent writes ahead of imports and every other writer, across processes.
    let consentPriority: ConsentPriority
    /// The database file's path, named in errors.
    let path: String
    /// Notices commits from any connection, so per-request reads can be reused while nothing changed.
    let changes: ChangeWatch

    /// Opens (creating if needed) the lab database described by `configuration`.
    public init(_ configuration: StoreConfiguration, logger: Logger = Logger(label: "livinglab.store")) throws(LabError) {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(configuration.busyTimeout)
        let synchronous = configuration.durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        do {
            let directory = URL(fileURLWithPath: configuration.path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: directory) else {
                throw LabError.invalid("The folder \(directory) does not exist: create it, or pass another --db path.")
            }
            try Schema.checkRecognisable(configuration.path)
            pool = try DatabasePool(path: configuration.path, configuration: config)
            consentPriority = ConsentPriority(databasePath: configuration.path)
            changes = try ChangeWatch(path: configuration.path)
            // GRDB switches WAL connections to synchronous=NORMAL after `prepareDatabase` runs; set it again on the
            // writer, the only connection that commits.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            try Schema.migrator.migrate(pool)
            try pool.writeWithoutTransaction { db in try Schema.stamp(db) }
        } catch let error as LabError {
            throw error
        } catch {
            throw Self.environmentError(error, path: configuration.path)
                ?? LabError(.internalError, "Could not open the lab database at \(configuration.path): check that it is a LivingLab SQLite file and that you may write to it.", underlying: error)
        }
        clock = configuration.clock
        path = configuration.path
        self.logger = logger
    }

    /// Opens the database at `path` with default settings.
    public convenience init(path: String, clock: any LabClock = SystemClock()) throws(LabError) {
        var configuration = StoreConfiguration(path: path)
        configuration.clock = clock
        try self.init(configuration)
    }

    /// The writer connection's `PRAGMA synchronous` (1 = NORMAL, 2 = FULL): what a commit does before it is acknowledged.
    public func writerSynchronousMode() throws(LabError) -> Int {
        do {
            return try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        } catch {
            throw LabError(.internalError, "Could not read the database settings.", underlying: error)
        }
    }

    /// The current time, rounded to what the store keeps (milliseconds).
    public func now() -> Date { clock.now().roundedToMilliseconds }

    // MARK: - Transactions

    /// Runs `body` in one write transaction; any thrown error rolls everything back.
    ///
    /// - Parameters:
    ///   - changesTrials: false only for writes that leave consent, enrollments, assignments and protocols alone.
    ///   - consent: true for a write of the consent ledger, which goes before every other writer (``ConsentPriority``).
    func write<T>(changesTrials: Bool = true, consent: Bool = false, _ body: (Database) throws -> T) throws(LabError) -> T {
        do {
            if consent {
                return try consentPriority.exclusively { try transaction(changesTrials: changesTrials, body) }
            }
            consentPriority.waitForConsentWrites()
            return try transaction(changesTrials: changesTrials, body)
        } catch let error as LabError {
            throw error
        } catch {
            throw Self.environmentError(error, path: path)
                ?? LabError(.internalError, "The database refused the change; nothing was stored.", underlying: error)
        }
    }

    private func transaction<T>(changesTrials: Bool, _ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            // BEGIN and COMMIT from cached statements: GRDB's transaction wrapper parses both again for every write,
            // a tenth of the CPU of a one-outcome commit. IMMEDIATE takes the write lock at once, so a transaction
            // never has to upgrade its lock while another process writes.
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            do {
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                if changesTrials { generation.add(1, ordering: .sequentiallyConsistent) }
                return result
            } catch {
                if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
                throw error
            }
        }
    }

    /// Runs `body` on a read-only snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(LabError) -> T {
        do {
            return try pool.read(body)
        } catch let error as LabError {
            throw error
        } catch {
            throw Self.environmentError(error, path: path)
                ?? LabError(.internalError, "Could not read the lab database.", underlying: error)
        }
    }

    /// The failures that come from the machine, not from a bug: a lock held beyond the busy timeout, a read-only file,
    /// a full disk. `nil` for anything else.
    static func environmentError(_ error: any Error, path: String) -> LabError? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LabError(.unavailable, "Another process kept the lab database at \(path) busy beyond the wait allowed; nothing was stored. Try again.", underlying: error)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH:
            return LabError(.unavailable, "The lab database at \(path) cannot be written: check the permissions of the file and its folder; nothing was stored.", underlying: error)
        case .SQLITE_FULL:
            return LabError(.unavailable, "The disk holding \(path) is full; nothing was stored. Free some space and try again.", underlying: error)
        case .SQLITE_IOERR:
            return LabError(.unavailable, "The disk holding \(path) reported an I/O error; nothing was stored. Check the disk and try again.", underlying: error)
        default:
            return nil
        }
    }

    // MARK: - Audit

    /// Appends an audit entry in the current transaction. Never pass personal data (names, contacts) in `details`.
    @discardableResult
    func audit(_ db: Database, actor: String, action: String, subjects: [String], details: JSONValue = .object([:])) throws
        -> AuditEntry
    {
        // Cached statements read and bound through SQLite's C API: an outcome batch of one row is common (one durable
        // outcome), and preparing these statements, or boxing their values, cost more than running them.
        let last = try db.cachedStatement(sql: "SELECT sequence, hash FROM auditEntry ORDER BY sequence DESC LIMIT 1")
            .sqliteStatement
        sqlite3_reset(last)
        var sequence: Int64 = 1
        var previousHash = AuditEntry.genesisHash
        switch sqlite3_step(last) {
        case SQLITE_ROW:
            sequence = sqlite3_column_int64(last, 0) + 1
            if let text = sqlite3_column_text(last, 1) { previousHash = String(cString: text) }
        case SQLITE_DONE:
            break
        case let code:
            throw LabError(.internalError, "The audit log could not be read (SQLite \(code)); nothing was stored.")
        }
        sqlite3_reset(last)
        let detailsText = details.canonicalText
        let entry = AuditEntry(sequence: sequence, at: now(), actor: actor, action: action, subjects: subjects,
                               details: details, detailsText: detailsText, previousHash: previousHash)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO auditEntry (sequence, at, actor, action, subjects, details, previousHash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).sqliteStatement
        sqlite3_reset(insert)
        sqlite3_bind_int64(insert, 1, entry.sequence)
        sqlite3_bind_int64(insert, 2, entry.at.milliseconds)
        SQLiteText.bind(insert, 3, entry.actor)
        SQLiteText.bind(insert, 4, entry.action)
        SQLiteText.bind(insert, 5, JSONValue.array(subjects.map { .string($0) }).canonicalText)
        SQLiteText.bind(insert, 6, detailsText)
        SQLiteText.bind(insert, 7, entry.previousHash)
        SQLiteText.bind(insert, 8, entry.hash)
        let code = sqlite3_step(insert)
        sqlite3_reset(insert)
        guard code == SQLITE_DONE else {
            throw LabError(.internalError, "The audit entry could not be stored (SQLite \(code): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))); nothing was stored.")
        }
        return entry
    }

    /// Every audit entry, in stored order.
    public func auditEntries() throws(LabError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auditEntry ORDER BY rowid").map { row in
                var entry = AuditEntry(
                    sequence: row["sequence"], at: Date(milliseconds: row["at"]), actor: row["actor"], action: row["action"],
                    subjects: (try? JSONDecoder().decode([String].self, from: Data((row["subjects"] as String).utf8))) ?? [],
                    details: (try? JSONValue.parse(row["details"])) ?? .null, previousHash: row["previousHash"])
                // Keep the stored hash: verification compares it with the recomputed one.
                entry.hash = row["hash"]
                return entry
            }
        }
    }

    /// Walks the audit chain and reports the first entry that was edited, deleted or moved.
    public func verifyAudit() throws(LabError) -> AuditVerification {
        AuditVerification.verify(try auditEntries())
    }
}

extension Date {
    /// Milliseconds since 1970, as stored.
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

/// JSON helpers for columns that hold lists and documents.
enum Column {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
