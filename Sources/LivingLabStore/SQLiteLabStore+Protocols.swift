import Foundation
import GRDB
import LivingLabCore

/// A protocol as stored: its trial state and every version.
public struct StoredProtocol: Sendable, Hashable {
    public var id: String
    public var state: TrialState
    public var versions: [ProtocolVersion]
    /// The newest version (possibly not approved yet).
    public var latest: ProtocolVersion { versions.last! }
    /// The newest approved version: the one merchants consent to.
    public var approved: ProtocolVersion? { versions.last { $0.approvedAt != nil } }
}

/// What `protocol apply` did.
public struct ProtocolApplyResult: Sendable, Hashable {
    public enum Kind: String, Sendable { case created, amended, unchanged }
    public var kind: Kind
    public var protocolID: String
    public var version: Int
    public var diff: ProtocolDiff
}

extension SQLiteLabStore {
    /// Creates a protocol, or amends it with a new version when it differs from the latest one.
    ///
    /// Every amendment needs a reason. A material amendment (purposes, data categories, consent text, plugin, arms,
    /// withdrawal policy) means consents given to earlier versions no longer cover the new one once it is approved.
    public func applyProtocol(_ definition: ExperimentProtocol, reason: String?, actor: String) throws(LabError)
        -> ProtocolApplyResult
    {
        try definition.validate()
        return try write { db in
            let existing = try Self.storedProtocol(db, definition.id)
            guard let existing else {
                let version = ProtocolVersion(protocolID: definition.id, version: 1, definition: definition,
                                              amendmentReason: nil, material: false, createdAt: now())
                try db.execute(sql: "INSERT INTO protocol (id, state, currentVersion, createdAt) VALUES (?, 'draft', 1, ?)",
                               arguments: [definition.id, version.createdAt.milliseconds])
                try Self.insert(db, version)
                try audit(db, actor: actor, action: "protocol.create", subjects: [definition.id],
                          details: ["version": 1, "documents": .object(version.documentHashes.mapValues { .string($0) })])
                return ProtocolApplyResult(kind: .created, protocolID: definition.id, version: 1,
                                           diff: ProtocolDiff(from: definition, to: definition))
            }
            let diff = ProtocolDiff(from: existing.latest.definition, to: definition)
            if diff.changes.isEmpty {
                return ProtocolApplyResult(kind: .unchanged, protocolID: definition.id, version: existing.latest.version, diff: diff)
            }
            guard existing.state != .stopped else {
                throw LabError.rule("Protocol \(definition.id) is stopped: it cannot be amended. Write a new protocol with another id.")
            }
            guard let reason, !reason.trimmed.isEmpty else {
                let kind = diff.isMaterial ? "a material amendment (merchants will have to renew their consent)" : "an amendment"
                throw LabError.invalid("This changes protocol \(definition.id) (\(diff.changes.map(\.field).joined(separator: ", "))): \(kind) needs a reason. Run again with `--reason \"why it changes\"`.")
            }
            let number = existing.latest.version + 1
            let version = ProtocolVersion(protocolID: definition.id, version: number, definition: definition,
                                          amendmentReason: reason, material: diff.isMaterial, createdAt: now())
            try Self.insert(db, version)
            try db.execute(sql: "UPDATE protocol SET currentVersion = ? WHERE id = ?", arguments: [number, definition.id])
            try audit(db, actor: actor, action: "protocol.amend", subjects: [definition.id],
                      details: ["version": .number(Double(number)), "material": .bool(diff.isMaterial),
                                "fields": .array(diff.changes.map { .string($0.field) }), "reason": .string(reason)])
            return ProtocolApplyResult(kind: .amended, protocolID: definition.id, version: number, diff: diff)
        }
    }

    /// Approves the newest version of a protocol: from then on merchants can consent to it.
    @discardableResult
    public func approveProtocol(_ protocolID: String, actor: String) throws(LabError) -> ProtocolVersion {
        let approved = try write { db -> ProtocolVersion in
            let stored = try Self.requireProtocol(db, protocolID)
            var latest = stored.latest
            guard latest.approvedAt == nil else {
                throw LabError.conflict("Version \(latest.version) of \(protocolID) is already approved (\(Timestamp.format(latest.approvedAt!))).")
            }
            if stored.state == .draft { try stored.state.checkTransition(to: .approved, protocolID: protocolID) }
            latest.approvedAt = now()
            latest.approvedBy = actor
            try db.execute(sql: "UPDATE protocolVersion SET approvedAt = ?, approvedBy = ? WHERE protocolID = ? AND version = ?",
                           arguments: [latest.approvedAt!.milliseconds, actor, protocolID, latest.version])
            if stored.state == .draft {
                try db.execute(sql: "UPDATE protocol SET state = 'approved' WHERE id = ?", arguments: [protocolID])
            }
            try audit(db, actor: actor, action: "protocol.approve", subjects: [protocolID],
                      details: ["version": .number(Double(latest.version)), "material": .bool(latest.material)])
            return latest
        }
        try refreshGate()
        return approved
    }

    /// A protocol with all its versions.
    public func storedProtocol(_ protocolID: String) throws(LabError) -> StoredProtocol {
        try read { db in try Self.requireProtocol(db, protocolID) }
    }

    /// Every protocol id.
    public func protocolIDs() throws(LabError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT id FROM protocol ORDER BY id") }
    }

    static func requireProtocol(_ db: Database, _ protocolID: String) throws -> StoredProtocol {
        guard let stored = try storedProtocol(db, protocolID) else {
            throw LabError.notFound("No protocol has id \(protocolID): create it with `livinglab protocol apply FILE.yaml`.")
        }
        return stored
    }

    static func storedProtocol(_ db: Database, _ protocolID: String) throws -> StoredProtocol? {
        guard let state = try String.fetchOne(db, sql: "SELECT state FROM protocol WHERE id = ?", arguments: [protocolID]) else {
            return nil
        }
        let versions = try Row.fetchAll(db, sql: "SELECT * FROM protocolVersion WHERE protocolID = ? ORDER BY version",
                                        arguments: [protocolID]).map { row in
            var definition = try Column.decode(ExperimentProtocol.self, row["definition"])
            let documents = try Row.fetchAll(db, sql: "SELECT language, text FROM consentDocument WHERE protocolID = ? AND version = ?",
                                             arguments: [protocolID, row["version"] as Int])
            definition.consent.documents = Dictionary(uniqueKeysWithValues: documents.map { ($0["language"], $0["text"]) })
            return ProtocolVersion(protocolID: protocolID, version: row["version"], definition: definition,
                                   amendmentReason: row["amendmentReason"], material: row["material"],
                                   createdAt: Date(milliseconds: row["createdAt"]),
                                   approvedAt: (row["approvedAt"] as Int64?).map(Date.init(milliseconds:)),
                                   approvedBy: row["approvedBy"])
        }
        return StoredProtocol(id: protocolID, state: TrialState(rawValue: state) ?? .draft, versions: versions)
    }

    private static func insert(_ db: Database, _ version: ProtocolVersion) throws {
        var stripped = version.definition
        // Document texts live in their own table, keyed by language, with their hash.
        stripped.consent.documents = version.documentHashes
        try db.execute(sql: """
            INSERT INTO protocolVersion (protocolID, version, definition, amendmentReason, material, createdAt)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [version.protocolID, version.version, try Column.encode(stripped), version.amendmentReason,
                             version.material, version.createdAt.milliseconds])
        for (language, text) in version.definition.consent.documents {
            try db.execute(sql: "INSERT INTO consentDocument (protocolID, version, language, sha256, text) VALUES (?, ?, ?, ?, ?)",
                           arguments: [version.protocolID, version.version, language, SHA256.hex(text), text])
        }
    }

    // MARK: - Trial state

    /// Moves a trial to another state and updates its enrollments: starting activates assigned merchants, stopping
    /// completes them. Returns the merchants whose plugin must now be activated (start/resume) or deactivated.
    @discardableResult
    public func setTrialState(_ protocolID: String, to next: TrialState, actor: String) throws(LabError) -> [String] {
        try write { db in
            let stored = try Self.requireProtocol(db, protocolID)
            try stored.state.checkTransition(to: next, protocolID: protocolID)
            if next == .running, stored.state == .approved {
                let assigned = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE protocolID = ?",
                                                arguments: [protocolID]) ?? 0
                guard assigned > 0 else {
                    throw LabError.rule("Protocol \(protocolID) has no assignment yet: run `livinglab assign \(protocolID)` before starting the trial.")
                }
                try db.execute(sql: "UPDATE enrollment SET state = 'active', updatedAt = ? WHERE protocolID = ? AND state = 'assigned'",
                               arguments: [now().milliseconds, protocolID])
            }
            if next == .stopped {
                try db.execute(sql: "UPDATE enrollment SET state = 'completed', updatedAt = ? WHERE protocolID = ? AND state IN ('active', 'assigned')",
                               arguments: [now().milliseconds, protocolID])
            }
            try db.execute(sql: "UPDATE protocol SET state = ? WHERE id = ?", arguments: [next.rawValue, protocolID])
            let affected = try String.fetchAll(db, sql: """
                SELECT enrollment.merchantID FROM enrollment JOIN assignment USING (protocolID, merchantID)
                WHERE enrollment.protocolID = ? AND enrollment.state IN ('active', 'completed') ORDER BY merchantID
                """, arguments: [protocolID])
            try audit(db, actor: actor, action: "trial.\(next.rawValue)", subjects: [protocolID],
                      details: ["from": .string(stored.state.rawValue), "merchants": .number(Double(affected.count))])
            return affected
        }
    }
}
