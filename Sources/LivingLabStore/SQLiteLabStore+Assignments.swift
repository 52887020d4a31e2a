import Foundation
import GRDB
import LivingLabCore

/// An assignment produced by a design, ready to be committed.
public struct AssignmentPlan: Codable, Sendable, Hashable {
    /// One merchant's arm (and wave, for stepped-wedge designs).
    public struct Entry: Codable, Sendable, Hashable {
        public var merchantID: String
        public var arm: String
        public var wave: Int?
        public init(merchantID: String, arm: String, wave: Int? = nil) {
            self.merchantID = merchantID
            self.arm = arm
            self.wave = wave
        }
    }

    public var design: String
    public var seed: UInt64
    /// The design's parameters (blocks, thresholds, number of draws…), as recorded.
    public var parameters: JSONValue
    /// The balance table shown to coordinators.
    public var balance: JSONValue
    public var entries: [Entry]

    public init(design: String, seed: UInt64, parameters: JSONValue = .object([:]), balance: JSONValue = .object([:]),
                entries: [Entry]) {
        self.design = design
        self.seed = seed
        self.parameters = parameters
        self.balance = balance
        self.entries = entries
    }
}

/// A committed assignment plan with who committed it and when.
public struct CommittedPlan: Sendable, Hashable {
    public var plan: AssignmentPlan
    public var committedAt: Date
    public var committedBy: String
}

extension SQLiteLabStore {
    /// Commits the arms of a trial before it starts (invariant 5).
    ///
    /// Re-assigning a trial that already has assignments, or one that has started, needs `overrideReason`; the override is
    /// audited with the coordinator and the reason. Never changes an assignment silently.
    @discardableResult
    public func commitAssignments(_ plan: AssignmentPlan, protocolID: String, actor: String, overrideReason: String? = nil)
        throws(LabError) -> [Assignment]
    {
        try write { db in
            let stored = try Self.requireProtocol(db, protocolID)
            let definition = (stored.approved ?? stored.latest).definition
            guard stored.state != .draft else {
                throw LabError.rule("Protocol \(protocolID) is not approved: approve it (`livinglab protocol approve \(protocolID)`) before assigning arms.")
            }
            guard stored.state != .stopped else { throw LabError.rule("Protocol \(protocolID) is stopped: its assignments are final.") }
            let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE protocolID = ?", arguments: [protocolID]) ?? 0
            let isOverride = existing > 0 || stored.state == .running || stored.state == .paused
            if isOverride, (overrideReason ?? "").trimmed.isEmpty {
                let why = stored.state == .approved ? "it already has \(existing) assignments" : "its trial has started"
                throw LabError.conflict("Protocol \(protocolID) cannot be re-assigned silently: \(why). If a coordinator must, run again with `--override-reason \"why\"`; the change is audited.")
            }
            let arms = Set(definition.arms.map(\.name))
            var seen = Set<String>()
            for entry in plan.entries {
                guard arms.contains(entry.arm) else {
                    throw LabError.invalid("Arm `\(entry.arm)` is not one of \(protocolID)'s arms (\(arms.sorted().joined(separator: ", "))).")
                }
                guard seen.insert(entry.merchantID).inserted else {
                    throw LabError.invalid("Merchant \(entry.merchantID) appears twice in the assignment.")
                }
                let state = try String.fetchOne(db, sql: "SELECT state FROM enrollment WHERE protocolID = ? AND merchantID = ?",
                                                arguments: [protocolID, entry.merchantID]).flatMap(Enrollment.State.init)
                switch state {
                case .consented?:
                    try Self.setEnrollmentState(db, protocolID: protocolID, merchantID: entry.merchantID, to: .assigned, at: now())
                case .assigned?, .active?:
                    guard isOverride else { fallthrough }
                default:
                    throw LabError.rule("Merchant \(entry.merchantID) cannot be assigned in \(protocolID) (\(state?.rawValue ?? "not enrolled")): only merchants who consented are assigned.")
                }
            }
            let at = now()
            if isOverride {
                try db.execute(sql: "DELETE FROM assignment WHERE protocolID = ?", arguments: [protocolID])
            }
            var assignments: [Assignment] = []
            for entry in plan.entries {
                let assignment = Assignment(protocolID: protocolID, merchantID: entry.merchantID, arm: entry.arm, wave: entry.wave,
                                            design: plan.design, seed: plan.seed, committedAt: at)
                try db.execute(sql: """
                    INSERT INTO assignment (protocolID, merchantID, arm, wave, design, seed, committedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [protocolID, entry.merchantID, entry.arm, entry.wave, plan.design, String(plan.seed),
                                     at.milliseconds])
                assignments.append(assignment)
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO assignmentPlan (protocolID, design, seed, parameters, balance, committedAt, committedBy)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [protocolID, plan.design, String(plan.seed), plan.parameters.canonicalText,
                                 plan.balance.canonicalText, at.milliseconds, actor])
            var details: [String: JSONValue] = [
                "design": .string(plan.design), "seed": .string(String(plan.seed)), "merchants": .number(Double(plan.entries.count)),
                "assignment": .string(SHA256.hex(plan.entries.map { "\($0.merchantID)=\($0.arm)" }.joined(separator: ","))),
            ]
            if isOverride { details["overrideReason"] = .string(overrideReason ?? "") }
            try audit(db, actor: actor, action: isOverride ? "assignment.override" : "assignment.commit", subjects: [protocolID],
                      details: .object(details))
            return assignments
        }
    }

    /// The committed assignments of a trial.
    public func assignments(in protocolID: String) throws(LabError) -> [Assignment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM assignment WHERE protocolID = ? ORDER BY merchantID", arguments: [protocolID]).map { row in
                Assignment(protocolID: row["protocolID"], merchantID: row["merchantID"], arm: row["arm"], wave: row["wave"],
                           design: row["design"], seed: UInt64(row["seed"] as String) ?? 0,
                           committedAt: Date(milliseconds: row["committedAt"]))
            }
        }
    }

    /// The committed plan of a trial (design, seed, parameters and balance table), if any.
    public func committedPlan(protocolID: String) throws(LabError) -> CommittedPlan? {
        let assignments = try assignments(in: protocolID)
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM assignmentPlan WHERE protocolID = ?", arguments: [protocolID]).map { row in
                CommittedPlan(
                    plan: AssignmentPlan(design: row["design"], seed: UInt64(row["seed"] as String) ?? 0,
                                         parameters: try JSONValue.parse(row["parameters"]),
                                         balance: try JSONValue.parse(row["balance"]),
                                         entries: assignments.map { .init(merchantID: $0.merchantID, arm: $0.arm, wave: $0.wave) }),
                    committedAt: Date(milliseconds: row["committedAt"]), committedBy: row["committedBy"])
            }
        }
    }
}
