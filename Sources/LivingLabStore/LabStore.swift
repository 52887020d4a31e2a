import Foundation
import LivingLabCore

/// The store seam: what the lab's use cases and its plugin host need of persistence, whatever the database.
///
/// Every state-changing requirement runs in one write transaction that also appends its audit entry, so a change and
/// its audit trail are committed together or not at all, and returns only once that transaction is durable. Reads see
/// a consistent snapshot. ``SQLiteLabStore`` is the embedded implementation; every implementation passes the store
/// conformance suite (`Tests/LivingLabStoreTests`).
///
/// The seam is split by what its callers do with it: ``LabDirectory`` (who is in the lab), ``TrialRegistry``
/// (protocols, enrollments, assignments), ``ConsentLedger``, ``OutcomeLog``, ``PluginRegistry``, ``AuditLog`` and
/// ``AccessTokenRegistry``, and the API's ``ReplayLog``.
public protocol LabStore: LabDirectory, TrialRegistry, ConsentLedger, OutcomeLog, PluginRegistry, AuditLog,
    AccessTokenRegistry, ReplayLog {}

/// The clock every store stamps its writes with.
public protocol LabClocked: AnyObject, Sendable {
    /// The clock that stamps consent events, audit entries and commits.
    var clock: any LabClock { get }
}

extension LabClocked {
    /// The current time, rounded to what stores keep (milliseconds).
    public func now() -> Date { clock.now().roundedToMilliseconds }
}

/// The lab itself and the people and events in it: merchants, firms, sponsors, cohorts, shocks and feedback.
public protocol LabDirectory: LabClocked {
    /// Records the lab's own description (street, segments, coordinators).
    func setLab(_ lab: Lab, actor: String) throws(LabError)
    /// The lab's description, once `init` recorded it.
    func lab() throws(LabError) -> Lab?
    /// Adds merchants, all or none; an id already present is refused.
    func addMerchants(_ merchants: [Merchant], actor: String) throws(LabError)
    /// Every merchant, by id.
    func merchants() throws(LabError) -> [Merchant]
    /// One merchant; `not-found` when there is none with that id.
    func merchant(_ id: String) throws(LabError) -> Merchant
    /// Adds a firm.
    func addFirm(_ firm: Firm, actor: String) throws(LabError)
    /// Every firm.
    func firms() throws(LabError) -> [Firm]
    /// Adds a sponsor (parrain).
    func addSponsor(_ sponsor: Sponsor, actor: String) throws(LabError)
    /// Pairs a sponsor with a merchant, refusing a conflict of interest.
    func pairSponsor(_ sponsorID: String, with merchantID: String, actor: String) throws(LabError)
    /// Sponsors: all of them (`nil`), or those paired with a merchant.
    func sponsors(pairedWith merchantID: String?) throws(LabError) -> [Sponsor]
    /// Creates a cohort from a criteria expression or a list of merchants.
    @discardableResult
    func createCohort(name: String, criteria: String?, merchantIDs: [String]?, actor: String) throws(LabError) -> Cohort
    /// One cohort.
    func cohort(_ name: String) throws(LabError) -> Cohort
    /// Every cohort's name.
    func cohortNames() throws(LabError) -> [String]
    /// Records a dated external event on part of the street.
    func addShock(_ shock: Shock, actor: String) throws(LabError)
    /// Every shock.
    func shocks() throws(LabError) -> [Shock]
    /// Records a merchant's or sponsor's feedback on a plugin.
    @discardableResult
    func addFeedback(_ feedback: Feedback, actor: String) throws(LabError) -> Feedback
    /// Feedback, optionally on one plugin.
    func feedback(pluginID: String?) throws(LabError) -> [Feedback]
    /// Records an answer to a piece of feedback (`not-found` when there is no such feedback).
    @discardableResult
    func addFeedbackAnswer(_ answer: FeedbackAnswer, actor: String) throws(LabError) -> FeedbackAnswer
    /// The answers to one piece of feedback, or (`nil`) to all, oldest first.
    func feedbackAnswers(feedbackID: Int64?) throws(LabError) -> [FeedbackAnswer]
}

/// Experiment protocols with their versions and trial state, enrollments and committed assignments.
public protocol TrialRegistry: LabClocked {
    /// Stores a new protocol or a new version of one, with the diff and its materiality.
    @discardableResult
    func applyProtocol(_ definition: ExperimentProtocol, reason: String?, actor: String) throws(LabError) -> ProtocolApplyResult
    /// Approves the newest version: it is in force from now on.
    @discardableResult
    func approveProtocol(_ protocolID: String, actor: String) throws(LabError) -> ProtocolVersion
    /// A protocol with every version.
    func storedProtocol(_ protocolID: String) throws(LabError) -> StoredProtocol
    /// Every protocol's id.
    func protocolIDs() throws(LabError) -> [String]
    /// Moves a trial to `next`; returns the merchants whose plugin must now be (de)activated.
    @discardableResult
    func setTrialState(_ protocolID: String, to next: TrialState, actor: String) throws(LabError) -> [String]
    /// Enrolls eligible merchants (invited until they consent).
    @discardableResult
    func enroll(_ merchantIDs: [String], in protocolID: String, actor: String) throws(LabError) -> [Enrollment]
    /// Enrollments, of one protocol and/or one merchant (`nil`: any).
    func enrollments(protocolID: String?, merchantID: String?) throws(LabError) -> [Enrollment]
    /// Commits a trial's assignment plan (an override of a committed one needs a reason and is audited).
    @discardableResult
    func commitAssignments(_ plan: AssignmentPlan, protocolID: String, actor: String, overrideReason: String?) throws(LabError)
        -> [Assignment]
    /// A trial's assignments.
    func assignments(in protocolID: String) throws(LabError) -> [Assignment]
    /// A trial's committed plan, with when and by whom it was committed.
    func committedPlan(protocolID: String) throws(LabError) -> CommittedPlan?
}

/// The append-only consent ledger and the gate derived from it.
public protocol ConsentLedger: LabClocked {
    /// Records a consent to the protocol version in force, tied to the document shown in `language`.
    @discardableResult
    func giveConsent(merchantID: String, protocolID: String, language: String, purposes: [String]?, channel: String,
                     actor: String) throws(LabError) -> ConsentEvent
    /// Records a withdrawal (one step) and applies the protocol's data policy.
    @discardableResult
    func withdrawConsent(merchantID: String, protocolID: String, channel: String, actor: String) throws(LabError)
        -> WithdrawalResult
    /// Records that a consent expired.
    @discardableResult
    func expireConsent(merchantID: String, protocolID: String, actor: String) throws(LabError) -> ConsentEvent
    /// Ledger events, in ledger order.
    func consentEvents(merchantID: String?, protocolID: String?) throws(LabError) -> [ConsentEvent]
    /// Each merchant's consent state per protocol now.
    func consentStatuses(merchantID: String?, protocolID: String?) throws(LabError) -> [ConsentStatus]
    /// The consent timeline index, up to date with every event committed so far (by this process or another).
    func consentGate() throws(LabError) -> ConsentIndex
}

/// Outcomes, stored only through the consent gate, and the refusals counted on the way.
public protocol OutcomeLog: LabClocked {
    /// Records a batch in one transaction after the placement rule looked at each outcome at its own timestamp.
    @discardableResult
    func recordOutcomes(_ submissions: [OutcomeSubmission], actor: String) throws(LabError) -> OutcomeBatchResult
    /// Outcomes refused so far, by protocol and reason.
    func rejectionCounts(protocolID: String?) throws(LabError) -> [(protocolID: String, reason: String, count: Int)]
    /// Stored outcomes of a protocol, by time.
    func outcomes(protocolID: String, metric: String?, merchantID: String?) throws(LabError) -> [Outcome]
    /// The number of stored outcomes.
    func outcomeCount(protocolID: String?) throws(LabError) -> Int
    /// Sums of a metric per merchant and week.
    func weeklyAggregates(protocolID: String, metric: String, firstWeekStart: Date, weeks: Int) throws(LabError)
        -> [WeeklyAggregate]
}

/// Registered plugin binaries, where each merchant stands in the trials, plugin storage, and host-call refusals.
public protocol PluginRegistry: LabClocked {
    /// Registers (pins) a plugin binary.
    func registerPlugin(_ registration: PluginRegistration, actor: String) throws(LabError)
    /// Registered binaries: every plugin's (`nil`), or the versions of one.
    func plugins(id: String?) throws(LabError) -> [PluginRegistration]
    /// Every trial a merchant is enrolled in, with its state, the merchant's arm and the protocol in force.
    func placements(of merchantID: String) throws(LabError) -> [TrialPlacement]
    /// Counts a host call the placement rule refused.
    func countHostDenial(pluginID: String, reason: DenialReason) throws(LabError)
    /// Host calls refused so far, by plugin and reason.
    func hostDenialCounts(pluginID: String?) throws(LabError) -> [(pluginID: String, reason: String, count: Int)]
    /// A plugin's stored value (merchant-scoped, or plugin-wide with merchant `""`).
    func pluginValue(pluginID: String, merchantID: String, key: String) throws(LabError) -> String?
    /// Stores or removes a plugin's value.
    func setPluginValue(pluginID: String, merchantID: String, key: String, value: String?) throws(LabError)
}

/// The hash-chained audit log.
public protocol AuditLog: LabClocked {
    /// Every audit entry, in stored order, with the hashes as stored.
    func auditEntries() throws(LabError) -> [AuditEntry]
}

/// The API's tokens: kept by id with their secret's SHA-256, never the secret; creation, revocation and use are
/// audited by id only.
public protocol AccessTokenRegistry: LabClocked {
    /// Stores a new token with the SHA-256 of its secret.
    func addAccessToken(_ token: AccessToken, secretHash: String, actor: String) throws(LabError)
    /// Every token, newest first.
    func accessTokens() throws(LabError) -> [AccessToken]
    /// A token and its secret's hash, by id.
    func accessToken(id: String) throws(LabError) -> (token: AccessToken, secretHash: String)?
    /// Revokes a token from now on; revoking one already revoked changes nothing.
    func revokeAccessToken(id: String, actor: String) throws(LabError) -> AccessToken
    /// Marks a sign-in link opened, once: `false` when it was opened before (or is not a link).
    func markLinkOpened(id: String, actor: String) throws(LabError) -> Bool
    /// Notes that a token was used at `date`; the audit log gets an entry for its first use in each hour.
    func noteAccessTokenUse(id: String, at date: Date) throws(LabError)
}

/// The responses the API gave to requests sent with an `Idempotency-Key`, so that a client retrying after a lost
/// answer gets the same answer, and nothing is done twice.
///
/// It is a record of answers, not of the lab's facts (those are in the other registries and audited there), so its
/// writes are not audited, and entries older than a day are forgotten.
public protocol ReplayLog: LabClocked {
    /// The response stored for a caller's key, if any.
    func storedResponse(caller: String, key: String) throws(LabError) -> StoredResponse?
    /// Stores a response unless one is already stored for its caller and key, and forgets those older than a day.
    func storeResponse(_ response: StoredResponse) throws(LabError)
}

/// A response kept for replay: who asked, with which key, for what (the SHA-256 of method, path and body), and the
/// answer.
public struct StoredResponse: Sendable, Hashable {
    /// The caller: a token's id.
    public var caller: String
    public var key: String
    public var requestSHA256: String
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var at: Date

    public init(caller: String, key: String, requestSHA256: String, status: Int, contentType: String, body: [UInt8], at: Date) {
        self.caller = caller
        self.key = key
        self.requestSHA256 = requestSHA256
        self.status = status
        self.contentType = contentType
        self.body = body
        self.at = at
    }

    /// How long a response is kept.
    public static let retention: TimeInterval = 24 * 3600
}

// The defaulted forms callers use.
extension LabDirectory {
    /// Adds one merchant.
    public func addMerchant(_ merchant: Merchant, actor: String) throws(LabError) { try addMerchants([merchant], actor: actor) }
    /// Creates a cohort from a criteria expression or a list of merchants.
    @discardableResult
    public func createCohort(name: String, criteria: String? = nil, merchantIDs: [String]? = nil, actor: String)
        throws(LabError) -> Cohort
    {
        try createCohort(name: name, criteria: criteria, merchantIDs: merchantIDs, actor: actor)
    }
    /// Every feedback.
    public func feedback() throws(LabError) -> [Feedback] { try feedback(pluginID: nil) }
    /// Every sponsor.
    public func sponsors() throws(LabError) -> [Sponsor] { try sponsors(pairedWith: nil) }
    /// The sponsors paired with a merchant.
    public func sponsors(of merchantID: String) throws(LabError) -> [Sponsor] { try sponsors(pairedWith: merchantID) }
}

extension TrialRegistry {
    /// Enrollments in a protocol, by merchant.
    public func enrollments(in protocolID: String) throws(LabError) -> [Enrollment] {
        try enrollments(protocolID: protocolID, merchantID: nil)
    }
    /// A merchant's enrollments, by protocol.
    public func enrollments(of merchantID: String) throws(LabError) -> [Enrollment] {
        try enrollments(protocolID: nil, merchantID: merchantID)
    }

    /// Commits a trial's assignment plan.
    @discardableResult
    public func commitAssignments(_ plan: AssignmentPlan, protocolID: String, actor: String) throws(LabError) -> [Assignment] {
        try commitAssignments(plan, protocolID: protocolID, actor: actor, overrideReason: nil)
    }
}

extension ConsentLedger {
    /// Records a consent to every purpose the protocol asks for.
    @discardableResult
    public func giveConsent(merchantID: String, protocolID: String, language: String, channel: String, actor: String)
        throws(LabError) -> ConsentEvent
    {
        try giveConsent(merchantID: merchantID, protocolID: protocolID, language: language, purposes: nil, channel: channel,
                        actor: actor)
    }
    /// Ledger events, optionally of one merchant and/or protocol.
    public func consentEvents(merchantID: String? = nil, protocolID: String? = nil) throws(LabError) -> [ConsentEvent] {
        try consentEvents(merchantID: merchantID, protocolID: protocolID)
    }
    /// Consent states, optionally of one merchant and/or protocol.
    public func consentStatuses(merchantID: String? = nil, protocolID: String? = nil) throws(LabError) -> [ConsentStatus] {
        try consentStatuses(merchantID: merchantID, protocolID: protocolID)
    }
}

extension OutcomeLog {
    /// Outcomes refused so far, by protocol and reason.
    public func rejectionCounts() throws(LabError) -> [(protocolID: String, reason: String, count: Int)] {
        try rejectionCounts(protocolID: nil)
    }
    /// Stored outcomes of a protocol, optionally of one metric and/or merchant.
    public func outcomes(protocolID: String, metric: String? = nil, merchantID: String? = nil) throws(LabError) -> [Outcome] {
        try outcomes(protocolID: protocolID, metric: metric, merchantID: merchantID)
    }
    /// The number of stored outcomes.
    public func outcomeCount() throws(LabError) -> Int { try outcomeCount(protocolID: nil) }
}

extension PluginRegistry {
    /// Every registration.
    public func plugins() throws(LabError) -> [PluginRegistration] { try plugins(id: nil) }
    /// The registered versions of one plugin.
    public func plugin(id: String) throws(LabError) -> [PluginRegistration] { try plugins(id: id) }

    /// Host calls refused so far, by plugin and reason.
    public func hostDenialCounts() throws(LabError) -> [(pluginID: String, reason: String, count: Int)] {
        try hostDenialCounts(pluginID: nil)
    }
}

extension AuditLog {
    /// Walks the audit chain and reports the first entry that was edited, deleted or moved.
    public func verifyAudit() throws(LabError) -> AuditVerification { AuditVerification.verify(try auditEntries()) }
}
