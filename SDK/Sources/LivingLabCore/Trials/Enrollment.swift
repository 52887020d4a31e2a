import Foundation

/// A merchant's place in a trial.
public struct Enrollment: Codable, Sendable, Hashable {
    /// The enrollment's life: invited → consented → assigned → active → withdrawn | completed.
    public enum State: String, Codable, Sendable, Hashable, CaseIterable {
        case invited, consented, assigned, active, withdrawn, completed

        /// The states reachable in one step.
        public var successors: Set<State> {
            switch self {
            case .invited: [.consented, .withdrawn]
            case .consented: [.assigned, .withdrawn]
            case .assigned: [.active, .withdrawn, .completed]
            case .active: [.withdrawn, .completed]
            case .withdrawn, .completed: []
            }
        }

        /// Checks a state change and explains what to do when it is not allowed.
        public func checkTransition(to next: State, merchantID: String, protocolID: String) throws(LabError) {
            guard successors.contains(next) else {
                let hint: String = switch (self, next) {
                case (.invited, .assigned), (.invited, .active):
                    "record their consent first with `livinglab consent give \(merchantID) \(protocolID)`"
                case (.consented, .active):
                    "assign arms first with `livinglab assign \(protocolID)`"
                case (.withdrawn, _):
                    "they withdrew; a withdrawal is final for this trial"
                case (.completed, _):
                    "the trial is over for them"
                default:
                    "allowed next: \(successors.map(\.rawValue).sorted().joined(separator: ", "))"
                }
                throw .rule("Merchant \(merchantID) cannot go from \(rawValue) to \(next.rawValue) in \(protocolID): \(hint).")
            }
        }
    }

    public var merchantID: String
    public var protocolID: String
    public var state: State
    public var updatedAt: Date

    public init(merchantID: String, protocolID: String, state: State, updatedAt: Date) {
        self.merchantID = merchantID
        self.protocolID = protocolID
        self.state = state
        self.updatedAt = updatedAt
    }
}

/// A merchant's arm in a trial: produced from a recorded design and seed, committed before the trial starts.
public struct Assignment: Codable, Sendable, Hashable {
    public var protocolID: String
    public var merchantID: String
    public var arm: String
    /// For stepped-wedge designs: the wave (0-based) in which the merchant gets the feature.
    public var wave: Int?
    public var design: String
    public var seed: UInt64
    public var committedAt: Date

    public init(protocolID: String, merchantID: String, arm: String, wave: Int? = nil, design: String, seed: UInt64,
                committedAt: Date) {
        self.protocolID = protocolID
        self.merchantID = merchantID
        self.arm = arm
        self.wave = wave
        self.design = design
        self.seed = seed
        self.committedAt = committedAt
    }
}

/// A measured value for a merchant in a trial.
public struct Outcome: Codable, Sendable, Hashable {
    public var protocolID: String
    public var protocolVersion: Int
    /// `nil` once anonymised after a withdrawal under an `anonymise` policy.
    public var merchantID: String?
    public var arm: String?
    public var metric: String
    public var value: Double
    public var unit: String
    public var at: Date
    /// Where it came from: `plugin:<id>@<version>`, `import`, `cli`…
    public var source: String
    /// Replaying an outcome with the same key stores nothing new.
    public var idempotencyKey: String

    public init(protocolID: String, protocolVersion: Int, merchantID: String?, arm: String?, metric: String, value: Double,
                unit: String, at: Date, source: String, idempotencyKey: String) {
        self.protocolID = protocolID
        self.protocolVersion = protocolVersion
        self.merchantID = merchantID
        self.arm = arm
        self.metric = metric
        self.value = value
        self.unit = unit
        self.at = at
        self.source = source
        self.idempotencyKey = idempotencyKey
    }
}

/// An outcome on its way in, before the gate has looked at it.
public struct OutcomeSubmission: Codable, Sendable, Hashable {
    public var protocolID: String
    public var merchantID: String
    public var metric: String
    public var value: Double
    public var unit: String?
    public var at: Date
    public var source: String
    public var idempotencyKey: String

    public init(protocolID: String, merchantID: String, metric: String, value: Double, unit: String? = nil, at: Date,
                source: String, idempotencyKey: String) {
        self.protocolID = protocolID
        self.merchantID = merchantID
        self.metric = metric
        self.value = value
        self.unit = unit
        self.at = at
        self.source = source
        self.idempotencyKey = idempotencyKey
    }

    /// Checks the values themselves (not the consent) and says what to fix.
    public func validate() throws(LabError) {
        try InputLimits.checkText(merchantID, field: "The outcome's merchant")
        try InputLimits.checkText(metric, field: "The outcome's metric")
        try InputLimits.checkText(idempotencyKey, field: "The outcome's key")
        try InputLimits.checkText(source, field: "The outcome's source")
        if let unit { try InputLimits.checkText(unit, field: "The outcome's unit") }
        guard value.isFinite else {
            throw .invalid("Outcome \(idempotencyKey) has value \(value): send a finite number.")
        }
        guard !metric.isEmpty else { throw .invalid("Outcome \(idempotencyKey) has no metric name.") }
        guard !idempotencyKey.isEmpty else {
            throw .invalid("An outcome of \(merchantID) has no idempotency key: give each measured event a unique key so replays are safe.")
        }
    }
}

/// A dated external event affecting part of the street (tram works, a strike, a holiday).
public struct Shock: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// Free text kind, e.g. `tram-works`.
    public var kind: String
    /// The street segments affected.
    public var segments: [String]
    public var period: DayRange
    public var description: String

    public init(id: String, kind: String, segments: [String], period: DayRange, description: String = "") {
        self.id = id
        self.kind = kind
        self.segments = segments
        self.period = period
        self.description = description
    }

    /// Checks the shock's fields.
    public func validate() throws(LabError) {
        try Identifier.validate(id, kind: "shock")
        guard !kind.trimmed.isEmpty else { throw .invalid("Shock \(id) has no kind: say what happened, e.g. `tram-works`.") }
        guard !segments.isEmpty else { throw .invalid("Shock \(id) names no street segment: list the segments it affects.") }
        guard period.start <= period.end else { throw .invalid("Shock \(id) ends (\(period.end)) before it starts (\(period.start)).") }
    }

    /// Whether the shock affects `segment` on the day of `date`.
    public func affects(segment: String, at date: Date) -> Bool { segments.contains(segment) && period.contains(date) }
}

/// Qualitative input on a plugin from a merchant or a sponsor (co-design).
public struct Feedback: Codable, Sendable, Hashable {
    public enum AuthorKind: String, Codable, Sendable, Hashable, CaseIterable { case merchant, sponsor }

    public var id: Int64?
    public var authorKind: AuthorKind
    public var authorID: String
    public var pluginID: String
    public var text: String
    /// 1 (poor) to 5 (great), if given.
    public var rating: Int?
    public var at: Date

    public init(id: Int64? = nil, authorKind: AuthorKind, authorID: String, pluginID: String, text: String, rating: Int?, at: Date) {
        self.id = id
        self.authorKind = authorKind
        self.authorID = authorID
        self.pluginID = pluginID
        self.text = text
        self.rating = rating
        self.at = at
    }

    /// Checks the feedback's fields.
    public func validate() throws(LabError) {
        guard !text.trimmed.isEmpty else { throw .invalid("The feedback is empty: write what worked and what did not.") }
        guard text.count <= InputLimits.freeTextLength else {
            throw .invalid("The feedback is \(text.count) characters long; keep it within \(InputLimits.freeTextLength).")
        }
        if let rating, !(1...5).contains(rating) {
            throw .invalid("Rating \(rating) is out of range: give 1 (poor) to 5 (great), or leave it out.")
        }
    }
}

/// A named set of merchants, by criteria or by hand.
public struct Cohort: Codable, Sendable, Hashable {
    public var name: String
    /// The criteria expression, when the cohort was built from one.
    public var criteria: String?
    public var merchantIDs: [String]
    public var createdAt: Date

    public init(name: String, criteria: String?, merchantIDs: [String], createdAt: Date) {
        self.name = name
        self.criteria = criteria
        self.merchantIDs = merchantIDs
        self.createdAt = createdAt
    }
}

/// An answer to a piece of feedback, by the firm whose plugin it is about or by the lab's coordinator: how
/// co-design closes the loop with the merchant who wrote it.
public struct FeedbackAnswer: Codable, Sendable, Hashable {
    public enum AuthorKind: String, Codable, Sendable, Hashable, CaseIterable { case firm, coordinator }

    public var id: Int64?
    public var feedbackID: Int64
    public var authorKind: AuthorKind
    /// The firm's id, or the coordinator's actor name.
    public var authorID: String
    public var text: String
    public var at: Date

    public init(id: Int64? = nil, feedbackID: Int64, authorKind: AuthorKind, authorID: String, text: String, at: Date) {
        self.id = id
        self.feedbackID = feedbackID
        self.authorKind = authorKind
        self.authorID = authorID
        self.text = text
        self.at = at
    }

    /// Checks the answer's fields.
    public func validate() throws(LabError) {
        guard !text.trimmed.isEmpty else { throw .invalid("The answer is empty: write what the firm will do about the feedback.") }
        guard text.count <= InputLimits.freeTextLength else {
            throw .invalid("The answer is \(text.count) characters long; keep it within \(InputLimits.freeTextLength).")
        }
    }
}
