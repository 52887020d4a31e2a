import Foundation

/// What a request wants to do with a merchant's data.
public enum PlacementQuestion: Sendable, Hashable {
    /// Store a measured outcome: allowed in any arm and any trial state (the control arm is measured too), while the
    /// merchant takes part and their consent covers `outcome-measurement` at the outcome's own timestamp.
    case measure
    /// Let a plugin act for the merchant for `purpose` (`plugin-data` or `outcome-measurement`): only in a running trial,
    /// for an active merchant in a treatment arm. `reading`, when not empty, lists the data categories any one of which
    /// lets the call read what it reads (a merchant's fields: their profile or their contact).
    case serve(purpose: String, reading: [String] = [])
}

/// Where a merchant stands now with respect to one protocol: everything the placement rule reads besides the consent
/// timeline.
public struct PlacementFacts: Sendable, Hashable {
    /// The protocol asked about.
    public var protocolID: String
    /// The merchant's enrollment in it; `nil` when not enrolled.
    public var enrollment: Enrollment.State?
    /// Whether the merchant is active in another trial (a plugin asking about them gets `other-trial`).
    public var activeElsewhere: Bool
    /// Whether the merchant's arm is a control arm; `false` before assignment.
    public var isControlArm: Bool
    /// The protocol's trial state.
    public var trialState: TrialState
    /// The data categories the protocol allows.
    public var dataCategories: [String]

    /// Creates the facts of one merchant in one protocol.
    public init(protocolID: String, enrollment: Enrollment.State?, activeElsewhere: Bool = false, isControlArm: Bool = false,
                trialState: TrialState, dataCategories: [String] = []) {
        self.protocolID = protocolID
        self.enrollment = enrollment
        self.activeElsewhere = activeElsewhere
        self.isControlArm = isControlArm
        self.trialState = trialState
        self.dataCategories = dataCategories
    }
}

/// The one consent and placement rule of the lab (invariants 1 and 7): may this merchant's data be used for this, at
/// this timestamp? The store's outcome gate, the lab's plugin host and the test kit's in-memory host all ask it, so a
/// plugin that passes its own tests is treated the same way in a lab.
///
/// The checks run in a fixed order and the first that fails gives the one reason: enrollment (not enrolled, withdrew,
/// invited but not consented), then — for a plugin — the arm, the trial state and the enrollment's activity, then the
/// consent timeline at `date` for the protocol version in force then (not consented, withdrew, expired, materially
/// amended since, purpose not covered), and last the data category.
public enum PlacementRule {
    /// The answer for `merchantID`: `facts` describe where they stand now, `consent` is the ledger's timeline index,
    /// and `date` is the moment the data is about (an outcome's own timestamp, or now for a plugin call).
    public static func decide(_ question: PlacementQuestion, merchantID: String, facts: PlacementFacts,
                              consent: ConsentIndex, at date: Date) -> ConsentDecision {
        decide(question, merchantID: merchantID, facts: facts, consent: consent,
               versionInForce: consent.versionInForce(protocolID: facts.protocolID, at: date), at: date)
    }

    /// ``decide(_:merchantID:facts:consent:at:)`` when the caller already knows the protocol version in force at `date`
    /// (`nil`: none approved by then): the outcome gate needs it to store the outcome, and looks it up once.
    public static func decide(_ question: PlacementQuestion, merchantID: String, facts: PlacementFacts,
                              consent: ConsentIndex, versionInForce: Int?, at date: Date) -> ConsentDecision {
        guard let enrollment = facts.enrollment else {
            if case .serve = question, facts.activeElsewhere { return .denied(.otherTrial) }
            return .denied(.notEnrolled)
        }
        switch enrollment {
        case .withdrawn: return .denied(.withdrawn)
        case .invited: return .denied(.notConsented)
        case .consented, .assigned, .active, .completed: break
        }
        let purpose: String
        switch question {
        case .measure:
            purpose = Purpose.outcomeMeasurement
        case .serve(let served, _):
            if facts.isControlArm { return .denied(.controlArm) }
            guard facts.trialState == .running, enrollment == .active else { return .denied(.notActive) }
            purpose = served
        }
        guard let version = versionInForce else { return .denied(.notConsented) }
        let decision = consent.decide(merchantID: merchantID, protocolID: facts.protocolID, version: version,
                                      purpose: purpose, at: date)
        guard decision.isAllowed else { return decision }
        if case .serve(_, let reading) = question, !reading.isEmpty, !reading.contains(where: facts.dataCategories.contains) {
            return .denied(.categoryNotAllowed)
        }
        return .allowed
    }
}
