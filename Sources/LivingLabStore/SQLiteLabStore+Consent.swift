import Foundation
import GRDB
import LivingLabCore
import Synchronization

/// A merchant's current consent to a protocol, derived from the event log.
public struct ConsentStatus: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable {
        /// Consent in force and covering the protocol's current approved version.
        case active
        /// Consent in force, but given to a version before a material amendment: it must be renewed.
        case needsRenewal = "needs-renewal"
        case withdrawn
        case expired
        /// No consent was ever given.
        case none
    }

    public var merchantID: String
    public var protocolID: String
    public var state: State
    /// The protocol version consented to, if any.
    public var version: Int?
    public var purposes: [String]
    public var language: String?
    public var documentSHA256: String?
    /// When the current state began.
    public var since: Date?
}

/// What a withdrawal did.
public struct WithdrawalResult: Codable, Sendable, Hashable {
    public var merchantID: String
    public var protocolID: String
    /// When the withdrawal took effect (server UTC).
    public var at: Date
    public var policy: WithdrawalPolicy
    /// Outcomes anonymised or erased under the policy (0 under `keep`).
    public var outcomesAffected: Int
    /// Plugin storage entries removed for the merchant.
    public var pluginEntriesRemoved: Int
    /// True when the merchant had already withdrawn: nothing new was recorded.
    public var alreadyWithdrawn: Bool
}

extension SQLiteLabStore {
    // MARK: - Enrollment

    /// Invites merchants into a protocol's trial, after checking eligibility and the sponsor conflict-of-interest rule.
    /// All or nothing: one refused merchant means none is enrolled.
    @discardableResult
    public func enroll(_ merchantIDs: [String], in protocolID: String, actor: String) throws(LabError) -> [Enrollment] {
        guard !merchantIDs.isEmpty else {
            throw .invalid("No merchant to enroll: name merchants (`--merchants m01,m02`) or a cohort (`--cohort NAME`).")
        }
        return try write { db in
            let stored = try Self.requireProtocol(db, protocolID)
            guard stored.state != .stopped else {
                throw LabError.rule("Protocol \(protocolID) is stopped: no one can join it any more.")
            }
            let definition = stored.latest.definition
            let criteria = try Criteria(definition.eligibility)
            var enrolled: [Enrollment] = []
            for merchantID in merchantIDs {
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merchant WHERE id = ?", arguments: [merchantID]) else {
                    throw LabError.notFound("No merchant has id \(merchantID): see `livinglab merchant list` for the registered ids.")
                }
                let merchant = Self.merchant(row)
                guard criteria.matches(merchant) else {
                    throw LabError.rule("Merchant \(merchantID) (\(merchant.sector), maturity \(merchant.maturity), \(merchant.segment)) is not eligible for \(protocolID), whose criteria are: \(definition.eligibility). Leave them out of the list.")
                }
                if let state = try String.fetchOne(db, sql: "SELECT state FROM enrollment WHERE protocolID = ? AND merchantID = ?",
                                                   arguments: [protocolID, merchantID]) {
                    throw LabError.conflict("Merchant \(merchantID) is already enrolled in \(protocolID) (\(state)): leave them out of the list.")
                }
                let sponsors = try Row.fetchAll(db, sql: """
                    SELECT sponsor.* FROM sponsor JOIN sponsorPairing ON sponsorPairing.sponsorID = sponsor.id
                    WHERE sponsorPairing.merchantID = ?
                    """, arguments: [merchantID]).map(Self.sponsor)
                for sponsor in sponsors {
                    try SponsorPairingRule.check(sponsor: sponsor, merchantID: merchantID,
                                                 trialFirms: [(protocolID, definition.firm)])
                }
                let enrollment = Enrollment(merchantID: merchantID, protocolID: protocolID, state: .invited, updatedAt: now())
                try db.execute(sql: "INSERT INTO enrollment (protocolID, merchantID, state, updatedAt) VALUES (?, ?, 'invited', ?)",
                               arguments: [protocolID, merchantID, enrollment.updatedAt.milliseconds])
                enrolled.append(enrollment)
            }
            try audit(db, actor: actor, action: "enrollment.invite", subjects: [protocolID] + merchantIDs,
                      details: ["count": .number(Double(merchantIDs.count))])
            return enrolled
        }
    }

    /// Enrollments, of one protocol and/or one merchant, by protocol then merchant.
    public func enrollments(protocolID: String?, merchantID: String?) throws(LabError) -> [Enrollment] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM enrollment WHERE (?1 IS NULL OR protocolID = ?1) AND (?2 IS NULL OR merchantID = ?2)
                ORDER BY protocolID, merchantID
                """, arguments: [protocolID, merchantID]).map(Self.enrollment)
        }
    }

    static func enrollment(_ row: Row) -> Enrollment {
        Enrollment(merchantID: row["merchantID"], protocolID: row["protocolID"],
                   state: Enrollment.State(rawValue: row["state"]) ?? .invited, updatedAt: Date(milliseconds: row["updatedAt"]))
    }

    static func setEnrollmentState(_ db: Database, protocolID: String, merchantID: String, to next: Enrollment.State,
                                   at date: Date) throws {
        guard let raw = try String.fetchOne(db, sql: "SELECT state FROM enrollment WHERE protocolID = ? AND merchantID = ?",
                                            arguments: [protocolID, merchantID]),
              let current = Enrollment.State(rawValue: raw)
        else {
            throw LabError.rule("Merchant \(merchantID) is not enrolled in \(protocolID): invite them first with `livinglab enroll \(protocolID) --merchants \(merchantID)`.")
        }
        try current.checkTransition(to: next, merchantID: merchantID, protocolID: protocolID)
        try db.execute(sql: "UPDATE enrollment SET state = ?, updatedAt = ? WHERE protocolID = ? AND merchantID = ?",
                       arguments: [next.rawValue, date.milliseconds, protocolID, merchantID])
    }

    // MARK: - Consent

    /// Records a merchant's consent to the protocol's current approved version, tied to the hash of the document shown.
    ///
    /// - Parameters:
    ///   - language: the language of the document the merchant read (`fr`, `en`…); it must be one of the protocol's.
    ///   - purposes: the purposes consented to; all of the protocol's when `nil`.
    @discardableResult
    public func giveConsent(merchantID: String, protocolID: String, language: String, purposes: [String]? = nil,
                            channel: String, actor: String) throws(LabError) -> ConsentEvent
    {
        let event = try write(consent: true) { db -> ConsentEvent in
            try Self.requireMerchant(db, merchantID)
            let stored = try Self.requireProtocol(db, protocolID)
            guard let version = stored.approved else {
                throw LabError.rule("Protocol \(protocolID) is not approved yet, so nobody can consent to it: a coordinator approves it with `livinglab protocol approve \(protocolID)`.")
            }
            guard stored.state != .stopped else {
                throw LabError.rule("Protocol \(protocolID) is stopped: it no longer takes consents.")
            }
            let terms = version.definition.consent
            guard let text = terms.documents[language] else {
                throw LabError.invalid("Protocol \(protocolID) has no consent document in `\(language)`: use one of \(terms.documents.keys.sorted().joined(separator: ", ")).")
            }
            let chosen = purposes ?? terms.purposes
            if let unknown = chosen.first(where: { !terms.purposes.contains($0) }) {
                throw LabError.invalid("Purpose `\(unknown)` is not one of protocol \(protocolID)'s: \(terms.purposes.joined(separator: ", ")).")
            }
            guard !chosen.isEmpty else { throw LabError.invalid("Consent needs at least one purpose.") }
            let enrollmentState = try String.fetchOne(db, sql: "SELECT state FROM enrollment WHERE protocolID = ? AND merchantID = ?",
                                                      arguments: [protocolID, merchantID]).flatMap(Enrollment.State.init)
            let at = now()
            switch enrollmentState {
            case nil:
                throw LabError.rule("Merchant \(merchantID) is not invited to \(protocolID): a coordinator enrolls them first with `livinglab enroll \(protocolID) --merchants \(merchantID)`.")
            case .withdrawn?:
                throw LabError.rule("Merchant \(merchantID) withdrew from \(protocolID); a withdrawal is final for a trial. They can join a later protocol.")
            case .completed?:
                throw LabError.rule("The trial \(protocolID) is over for merchant \(merchantID): there is nothing left to consent to.")
            case .invited?:
                try Self.setEnrollmentState(db, protocolID: protocolID, merchantID: merchantID, to: .consented, at: at)
            default:
                break
            }
            let hadConsent = try Bool.fetchOne(db, sql: "SELECT 1 FROM consentEvent WHERE merchantID = ? AND protocolID = ? LIMIT 1",
                                               arguments: [merchantID, protocolID]) == true
            let event = ConsentEvent(merchantID: merchantID, protocolID: protocolID, protocolVersion: version.version,
                                     kind: hadConsent ? .renewed : .given, purposes: chosen, documentSHA256: SHA256.hex(text),
                                     language: language, at: at, channel: channel, recordedBy: actor)
            return try appendConsentEvent(db, event, actor: actor)
        }
        try refreshGate()
        return event
    }

    /// Withdraws a merchant's consent in one step, effective now (server UTC): the plugin stops serving them, nothing new
    /// is stored, and earlier data is kept, anonymised or erased as the protocol declares — all logged.
    @discardableResult
    public func withdrawConsent(merchantID: String, protocolID: String, channel: String, actor: String) throws(LabError)
        -> WithdrawalResult
    {
        let result = try write(consent: true) { db -> WithdrawalResult in
            try Self.requireMerchant(db, merchantID)
            let stored = try Self.requireProtocol(db, protocolID)
            let policy = (stored.approved ?? stored.latest).definition.onWithdrawal
            let last = try Row.fetchOne(db, sql: """
                SELECT * FROM consentEvent WHERE merchantID = ? AND protocolID = ? ORDER BY sequence DESC LIMIT 1
                """, arguments: [merchantID, protocolID]).map(Self.consentEvent)
            if let last, last.kind == .withdrawn {
                return WithdrawalResult(merchantID: merchantID, protocolID: protocolID, at: last.at, policy: policy,
                                        outcomesAffected: 0, pluginEntriesRemoved: 0, alreadyWithdrawn: true)
            }
            let enrollmentState = try String.fetchOne(db, sql: "SELECT state FROM enrollment WHERE protocolID = ? AND merchantID = ?",
                                                      arguments: [protocolID, merchantID])
            guard last != nil || enrollmentState != nil else {
                throw LabError.notFound("Merchant \(merchantID) has neither consented to nor been invited to \(protocolID): there is nothing to withdraw from.")
            }
            let at = now()
            if let last {
                let event = ConsentEvent(merchantID: merchantID, protocolID: protocolID, protocolVersion: last.protocolVersion,
                                         kind: .withdrawn, purposes: [], documentSHA256: last.documentSHA256,
                                         language: last.language, at: at, channel: channel, recordedBy: actor)
                try appendConsentEvent(db, event, actor: actor)
            }
            if let enrollmentState, enrollmentState != Enrollment.State.withdrawn.rawValue,
               enrollmentState != Enrollment.State.completed.rawValue {
                try Self.setEnrollmentState(db, protocolID: protocolID, merchantID: merchantID, to: .withdrawn, at: at)
            }
            var outcomes = 0
            switch policy {
            case .keep:
                break
            case .anonymise:
                try db.execute(sql: "UPDATE outcome SET merchantID = NULL WHERE protocolID = ? AND merchantID = ?",
                               arguments: [protocolID, merchantID])
                outcomes = db.changesCount
            case .erase:
                try db.execute(sql: "DELETE FROM outcome WHERE protocolID = ? AND merchantID = ?", arguments: [protocolID, merchantID])
                outcomes = db.changesCount
            }
            var entries = 0
            if policy != .keep {
                try db.execute(sql: "DELETE FROM pluginStorage WHERE merchantID = ? AND pluginID = ?",
                               arguments: [merchantID, stored.latest.definition.plugin.id])
                entries = db.changesCount
            }
            try audit(db, actor: actor, action: "withdrawal.\(policy.rawValue)", subjects: [merchantID, protocolID],
                      details: ["outcomes": .number(Double(outcomes)), "pluginEntries": .number(Double(entries))])
            return WithdrawalResult(merchantID: merchantID, protocolID: protocolID, at: at, policy: policy,
                                    outcomesAffected: outcomes, pluginEntriesRemoved: entries, alreadyWithdrawn: false)
        }
        try refreshGate()
        return result
    }

    /// Records that a consent lapsed (e.g. its validity period ended).
    @discardableResult
    public func expireConsent(merchantID: String, protocolID: String, actor: String) throws(LabError) -> ConsentEvent {
        let event = try write(consent: true) { db -> ConsentEvent in
            guard let last = try Row.fetchOne(db, sql: """
                SELECT * FROM consentEvent WHERE merchantID = ? AND protocolID = ? ORDER BY sequence DESC LIMIT 1
                """, arguments: [merchantID, protocolID]).map(Self.consentEvent),
                last.kind == .given || last.kind == .renewed
            else {
                throw LabError.rule("Merchant \(merchantID) has no consent in force for \(protocolID): there is nothing to expire.")
            }
            let event = ConsentEvent(merchantID: merchantID, protocolID: protocolID, protocolVersion: last.protocolVersion,
                                     kind: .expired, purposes: [], documentSHA256: last.documentSHA256, language: last.language,
                                     at: now(), channel: "system", recordedBy: actor)
            return try appendConsentEvent(db, event, actor: actor)
        }
        try refreshGate()
        return event
    }

    @discardableResult
    private func appendConsentEvent(_ db: Database, _ event: ConsentEvent, actor: String) throws -> ConsentEvent {
        try db.execute(sql: """
            INSERT INTO consentEvent (merchantID, protocolID, protocolVersion, kind, purposes, documentSHA256, language, at,
                                      channel, recordedBy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [event.merchantID, event.protocolID, event.protocolVersion, event.kind.rawValue,
                             try Column.encode(event.purposes), event.documentSHA256, event.language, event.at.milliseconds,
                             event.channel, event.recordedBy])
        var stored = event
        stored.sequence = db.lastInsertedRowID
        try audit(db, actor: actor, action: "consent.\(event.kind.rawValue)", subjects: [event.merchantID, event.protocolID],
                  details: ["version": .number(Double(event.protocolVersion)), "document": .string(event.documentSHA256),
                            "language": .string(event.language), "channel": .string(event.channel),
                            "purposes": .array(event.purposes.map { .string($0) })])
        return stored
    }

    /// The consent ledger, optionally for one merchant and/or one protocol, in order.
    public func consentEvents(merchantID: String? = nil, protocolID: String? = nil) throws(LabError) -> [ConsentEvent] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM consentEvent WHERE (?1 IS NULL OR merchantID = ?1) AND (?2 IS NULL OR protocolID = ?2)
                ORDER BY sequence
                """, arguments: [merchantID, protocolID]).map(Self.consentEvent)
        }
    }

    static func consentEvent(_ row: Row) throws -> ConsentEvent {
        ConsentEvent(sequence: row["sequence"], merchantID: row["merchantID"], protocolID: row["protocolID"],
                     protocolVersion: row["protocolVersion"], kind: ConsentEvent.Kind(rawValue: row["kind"]) ?? .given,
                     purposes: try Column.decode([String].self, row["purposes"]), documentSHA256: row["documentSHA256"],
                     language: row["language"], at: Date(milliseconds: row["at"]), channel: row["channel"],
                     recordedBy: row["recordedBy"])
    }

    /// Current consent states, derived from the ledger (never stored on their own).
    public func consentStatuses(merchantID: String? = nil, protocolID: String? = nil) throws(LabError) -> [ConsentStatus] {
        let events = try consentEvents(merchantID: merchantID, protocolID: protocolID)
        try refreshGate()
        let gate = gateCache.withLock { $0.index }
        var latest: [String: ConsentEvent] = [:]
        var order: [String] = []
        for event in events {
            let key = event.merchantID + "\u{1}" + event.protocolID
            if latest[key] == nil { order.append(key) }
            latest[key] = event
        }
        return order.map { key in
            let event = latest[key]!
            let state: ConsentStatus.State
            switch event.kind {
            case .withdrawn: state = .withdrawn
            case .expired: state = .expired
            case .given, .renewed:
                let current = gate.latestApprovedVersion(protocolID: event.protocolID) ?? event.protocolVersion
                state = event.protocolVersion < gate.minimumCoveringVersion(protocolID: event.protocolID, version: current)
                    ? .needsRenewal : .active
            }
            let active = event.kind == .given || event.kind == .renewed
            return ConsentStatus(merchantID: event.merchantID, protocolID: event.protocolID, state: state,
                                 version: event.protocolVersion, purposes: active ? event.purposes : [],
                                 language: event.language, documentSHA256: event.documentSHA256, since: event.at)
        }
    }

    // MARK: - The consent gate

    /// The consent timeline index, brought up to date with every event committed since the last call (by this
    /// process or another): reading it costs nothing more once nothing changed.
    func refreshGate() throws(LabError) {
        try read { db in try gateCache.withLock { try $0.refresh(db) } }
    }

    public func consentGate() throws(LabError) -> ConsentIndex {
        try changes.gate { () throws(LabError) in
            try read { db in try gateCache.withLock { cache in try cache.refresh(db); return cache.index } }
        }
    }

    /// The consent gate (invariant 1) for an outcome's kind of use: may `merchantID`'s data be used for `purpose` in
    /// `protocolID` at `date`? Answers from memory; ``consentGate()`` brings the memory up to date.
    public func decide(merchantID: String, protocolID: String, purpose: String, at date: Date) -> ConsentDecision {
        gateCache.withLock { $0.index.decide(merchantID: merchantID, protocolID: protocolID, purpose: purpose, at: date) }
    }
}
