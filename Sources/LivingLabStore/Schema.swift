import Foundation
import GRDB
import LivingLabCore

/// The database schema, as named migrations: a migration is never edited once released, only followed by another.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 lab, people, protocols, consent, outcomes, audit") { db in
            try db.execute(sql: """
                CREATE TABLE lab (
                    id TEXT PRIMARY KEY NOT NULL,
                    definition TEXT NOT NULL,
                    createdAt INTEGER NOT NULL);
                CREATE TABLE merchant (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    sector TEXT NOT NULL,
                    segment TEXT NOT NULL,
                    positionMetres INTEGER NOT NULL,
                    maturity INTEGER NOT NULL CHECK (maturity BETWEEN 0 AND 4),
                    association TEXT,
                    contact TEXT);
                CREATE TABLE firm (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    contact TEXT,
                    summary TEXT);
                CREATE TABLE sponsor (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    charterVersion TEXT NOT NULL,
                    employerFirmID TEXT REFERENCES firm(id),
                    skills TEXT NOT NULL,
                    contact TEXT);
                CREATE TABLE sponsorPairing (
                    sponsorID TEXT NOT NULL REFERENCES sponsor(id),
                    merchantID TEXT NOT NULL REFERENCES merchant(id),
                    pairedAt INTEGER NOT NULL,
                    PRIMARY KEY (sponsorID, merchantID));
                CREATE TABLE cohort (
                    name TEXT PRIMARY KEY NOT NULL,
                    criteria TEXT,
                    merchantIDs TEXT NOT NULL,
                    createdAt INTEGER NOT NULL);
                CREATE TABLE protocol (
                    id TEXT PRIMARY KEY NOT NULL,
                    state TEXT NOT NULL,
                    currentVersion INTEGER NOT NULL,
                    createdAt INTEGER NOT NULL);
                CREATE TABLE protocolVersion (
                    protocolID TEXT NOT NULL REFERENCES protocol(id),
                    version INTEGER NOT NULL,
                    definition TEXT NOT NULL,
                    amendmentReason TEXT,
                    material INTEGER NOT NULL,
                    createdAt INTEGER NOT NULL,
                    approvedAt INTEGER,
                    approvedBy TEXT,
                    PRIMARY KEY (protocolID, version));
                CREATE TABLE consentDocument (
                    protocolID TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    language TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    text TEXT NOT NULL,
                    PRIMARY KEY (protocolID, version, language),
                    FOREIGN KEY (protocolID, version) REFERENCES protocolVersion(protocolID, version));
                CREATE TABLE consentEvent (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    merchantID TEXT NOT NULL REFERENCES merchant(id),
                    protocolID TEXT NOT NULL REFERENCES protocol(id),
                    protocolVersion INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('given', 'withdrawn', 'expired', 'renewed')),
                    purposes TEXT NOT NULL,
                    documentSHA256 TEXT NOT NULL,
                    language TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    recordedBy TEXT NOT NULL);
                CREATE INDEX consentEventByMerchant ON consentEvent(merchantID, protocolID, sequence);
                -- Invariant 2: the consent ledger is append-only.
                CREATE TRIGGER consentEventNoUpdate BEFORE UPDATE ON consentEvent
                    BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;
                CREATE TRIGGER consentEventNoDelete BEFORE DELETE ON consentEvent
                    BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;
                CREATE TABLE enrollment (
                    protocolID TEXT NOT NULL REFERENCES protocol(id),
                    merchantID TEXT NOT NULL REFERENCES merchant(id),
                    state TEXT NOT NULL,
                    updatedAt INTEGER NOT NULL,
                    PRIMARY KEY (protocolID, merchantID));
                CREATE TABLE assignmentPlan (
                    protocolID TEXT PRIMARY KEY NOT NULL REFERENCES protocol(id),
                    design TEXT NOT NULL,
                    seed TEXT NOT NULL,
                    parameters TEXT NOT NULL,
                    balance TEXT NOT NULL,
                    committedAt INTEGER NOT NULL,
                    committedBy TEXT NOT NULL);
                CREATE TABLE assignment (
                    protocolID TEXT NOT NULL REFERENCES protocol(id),
                    merchantID TEXT NOT NULL REFERENCES merchant(id),
                    arm TEXT NOT NULL,
                    wave INTEGER,
                    design TEXT NOT NULL,
                    seed TEXT NOT NULL,
                    committedAt INTEGER NOT NULL,
                    PRIMARY KEY (protocolID, merchantID));
                CREATE TABLE outcome (
                    id INTEGER PRIMARY KEY,
                    protocolID TEXT NOT NULL,
                    protocolVersion INTEGER NOT NULL,
                    merchantID TEXT,
                    arm TEXT,
                    metric TEXT NOT NULL,
                    value REAL NOT NULL,
                    unit TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    idempotencyKey TEXT NOT NULL,
                    UNIQUE (protocolID, idempotencyKey));
                CREATE INDEX outcomeByMetric ON outcome(protocolID, metric, at);
                CREATE INDEX outcomeByMerchant ON outcome(merchantID, protocolID);
                CREATE TABLE outcomeRejection (
                    protocolID TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    lastAt INTEGER NOT NULL,
                    PRIMARY KEY (protocolID, reason));
                CREATE TABLE shock (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    segments TEXT NOT NULL,
                    startDay TEXT NOT NULL,
                    endDay TEXT NOT NULL,
                    description TEXT NOT NULL);
                CREATE TABLE feedback (
                    id INTEGER PRIMARY KEY,
                    authorKind TEXT NOT NULL,
                    authorID TEXT NOT NULL,
                    pluginID TEXT NOT NULL,
                    text TEXT NOT NULL,
                    rating INTEGER,
                    at INTEGER NOT NULL);
                CREATE TABLE auditEntry (
                    sequence INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subjects TEXT NOT NULL,
                    details TEXT NOT NULL,
                    previousHash TEXT NOT NULL,
                    hash TEXT NOT NULL);
                -- Invariant 6: the audit log is append-only; `verify` still catches edits made around these triggers.
                CREATE TRIGGER auditEntryNoUpdate BEFORE UPDATE ON auditEntry
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER auditEntryNoDelete BEFORE DELETE ON auditEntry
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TABLE plugin (
                    id TEXT NOT NULL,
                    version TEXT NOT NULL,
                    firm TEXT NOT NULL,
                    path TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    manifest TEXT NOT NULL,
                    registeredAt INTEGER NOT NULL,
                    PRIMARY KEY (id, version));
                CREATE TABLE pluginStorage (
                    pluginID TEXT NOT NULL,
                    merchantID TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (pluginID, merchantID, key));
                """)
        }
        migrator.registerMigration("v2 plugin isolation and host-call denials") { db in
            try db.execute(sql: """
                ALTER TABLE plugin ADD COLUMN isolation TEXT NOT NULL DEFAULT 'isolated';
                CREATE TABLE hostDenial (
                    pluginID TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    lastAt INTEGER NOT NULL,
                    PRIMARY KEY (pluginID, reason));
                """)
        }
        migrator.registerMigration("v3 lighter outcome indexes") { db in
            // The unique (protocolID, idempotencyKey) index already serves every per-protocol query; the two secondary
            // indexes cost more at ingestion (measured: about half the insert rate) than they saved on reports,
            // which read a protocol's outcomes whole.
            try db.execute(sql: "DROP INDEX outcomeByMetric; DROP INDEX outcomeByMerchant")
        }
        migrator.registerMigration("v4 one spelling of each refusal reason") { db in
            // Host-call denials were counted under camelCase names (notConsented) and outcome rejections under the
            // lab's kebab-case ones (not-consented): fold the old counts into the one spelling.
            for (old, new) in [("notConsented", "not-consented"), ("notEnrolled", "not-enrolled"), ("controlArm", "control-arm"),
                               ("otherTrial", "other-trial"), ("categoryNotAllowed", "category-not-allowed"),
                               ("notActive", "not-active")] {
                try db.execute(sql: """
                    INSERT INTO hostDenial (pluginID, reason, count, lastAt)
                    SELECT pluginID, ?, count, lastAt FROM hostDenial WHERE reason = ?
                    ON CONFLICT (pluginID, reason) DO UPDATE SET count = count + excluded.count,
                        lastAt = MAX(lastAt, excluded.lastAt);
                    DELETE FROM hostDenial WHERE reason = ?
                    """, arguments: [new, old, old])
            }
        }
        migrator.registerMigration("v5 API access tokens") { db in
            // A token's secret is never stored: only its SHA-256, compared in constant time.
            try db.execute(sql: """
                CREATE TABLE accessToken (
                    id TEXT PRIMARY KEY,
                    role TEXT NOT NULL CHECK (role IN ('coordinator', 'firm', 'merchant', 'sponsor')),
                    subject TEXT,
                    secretHash TEXT NOT NULL,
                    createdAt INTEGER NOT NULL,
                    expiresAt INTEGER,
                    revokedAt INTEGER,
                    lastUsedAt INTEGER);
                CREATE TRIGGER accessTokenNoDelete BEFORE DELETE ON accessToken
                BEGIN SELECT RAISE(ABORT, 'access tokens are revoked, never deleted'); END;
                """)
        }
        migrator.registerMigration("v6 answers to feedback, API responses kept for replay") { db in
            try db.execute(sql: """
                CREATE TABLE feedbackAnswer (
                    id INTEGER PRIMARY KEY,
                    feedbackID INTEGER NOT NULL REFERENCES feedback(id),
                    authorKind TEXT NOT NULL CHECK (authorKind IN ('firm', 'coordinator')),
                    authorID TEXT NOT NULL,
                    text TEXT NOT NULL,
                    at INTEGER NOT NULL);
                CREATE INDEX feedbackAnswerByFeedback ON feedbackAnswer(feedbackID);
                CREATE TABLE replayedResponse (
                    caller TEXT NOT NULL,
                    key TEXT NOT NULL,
                    requestSHA256 TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    contentType TEXT NOT NULL,
                    body BLOB NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (caller, key));
                CREATE INDEX replayedResponseByAge ON replayedResponse(at);
                """)
        }
        migrator.registerMigration("v7 sign-in links and web sessions") { db in
            try db.execute(sql: """
                ALTER TABLE accessToken ADD COLUMN kind TEXT NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'link', 'session'));
                ALTER TABLE accessToken ADD COLUMN usedAt INTEGER;
                """)
        }
        return migrator
    }

    /// `PRAGMA application_id` of a lab database ("LLAB"): how a file is recognised as a lab before anything is
    /// written to it.
    static let applicationID: Int32 = 0x4C4C_4142

    /// Refuses, untouched, a file that is not a lab database: a folder, a file that is not SQLite, or another
    /// application's SQLite database. A missing or empty file is a new lab. A lab created before the application id was
    /// set is recognised by its migrations.
    static func checkRecognisable(_ path: String) throws(LabError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        guard !isFolder.boolValue else {
            throw LabError.invalid("\(path) is a folder, not a lab database: pass the lab's file with --db, e.g. --db \(path)/lab.sqlite.")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        let recognised: Bool
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            recognised = try queue.read { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if id == applicationID { return true }
                guard id == 0, try db.tableExists("grdb_migrations") else { return false }
                return try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid LIMIT 1")
                    == "v1 lab, people, protocols, consent, outcomes, audit"
            }
        } catch {
            throw LabError.invalid("\(path) is not a LivingLab database (it cannot be read as SQLite): nothing was changed. Pass the lab's file with --db, or create a lab with `livinglab init --db NEW-FILE`.")
        }
        guard recognised else {
            throw LabError.invalid("\(path) is an SQLite database of another application, not a LivingLab lab: nothing was changed. Pass the lab's file with --db, or create a lab with `livinglab init --db NEW-FILE`.")
        }
    }

    /// Marks the database as a lab (once).
    static func stamp(_ db: Database) throws {
        if try Int32.fetchOne(db, sql: "PRAGMA application_id") != applicationID {
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        }
    }
}
