import Foundation
import LivingLabCore
import LivingLabRuntime
import Synchronization

/// A lab in memory for testing a plugin: fake merchants, consents, a settable clock, storage,
/// and a record of every outcome and every denial.
///
/// It asks the lab's own placement rule (`PlacementRule` in LivingLabCore) on a consent
/// ledger of its own, so a plugin meets the same denials here as in a lab: not enrolled,
/// another trial, control arm, not consented, withdrew (final for the trial, as in a lab),
/// expired, a material amendment not yet renewed, a purpose the consent does not cover, a
/// paused trial, a data category the protocol does not allow. Outcomes are checked both at
/// the host's clock and at their own timestamp. Every denial is counted.
public final class InMemoryPluginHost: PluginHostServices {
    /// A merchant as the fake lab knows it.
    public struct Merchant: Sendable, Hashable {
        /// The merchant's id.
        public var id: String
        /// The fields its consent lets the plugin read.
        public var fields: [String: String]
        /// The trial it is enrolled in; `nil` when not enrolled.
        public var trial: String?
        /// Its arm's name.
        public var arm: String
        /// Whether its arm is the control arm (the plugin must not see it).
        public var isControl: Bool
        /// Its arm's configuration, as JSON text.
        public var armConfiguration: String
        /// Its consent events, in the order they happened.
        public var consent: [ConsentEvent]
    }

    /// A consent event of a merchant.
    public struct ConsentEvent: Sendable, Hashable {
        /// Given, withdrawn or expired.
        public enum Kind: String, Sendable, Hashable {
            /// The merchant opted in.
            case given
            /// The merchant opted out.
            case withdrawn
            /// The consent ran out.
            case expired
        }

        /// Given, withdrawn or expired.
        public var kind: Kind
        /// When it took effect.
        public var at: Date
        /// The purposes consented to (given events).
        public var purposes: [String] = []
    }

    /// An outcome the fake lab stored.
    public struct RecordedOutcome: Sendable, Hashable {
        /// The outcome as the plugin logged it, with `at` filled from the clock when the plugin left it out.
        public var outcome: PluginOutcome
        /// The plugin that logged it.
        public var plugin: PluginIdentity
        /// The merchant's arm when it was stored.
        public var arm: String
    }

    /// A host call the fake lab refused.
    public struct RecordedDenial: Sendable, Hashable {
        /// Why.
        public var code: HostDenial.Code
        /// The merchant the call was about.
        public var merchantID: String
        /// The host function: `logOutcome`, `merchantFields`, `armConfiguration`, `storageGet`, `storageSet`.
        public var call: String
        /// The plugin that called.
        public var plugin: PluginIdentity
    }

    /// A line a plugin logged.
    public struct LogLine: Sendable, Hashable {
        /// Its level.
        public var level: PluginLogLevel
        /// Its text.
        public var message: String
        /// The plugin that wrote it.
        public var plugin: PluginIdentity
    }

    private struct StorageKey: Hashable {
        var plugin: String
        var merchantID: String?
        var key: String
    }

    private struct State {
        var now: Date
        var trialState: TrialState = .running
        /// Approval times of the trial's protocol versions (version 1 first) and whether each was a material amendment.
        var versions: [(approvedAt: Date, material: Bool)] = [(.distantPast, false)]
        var dataCategories: [String]
        var merchants: [String: Merchant] = [:]
        var outcomes: [RecordedOutcome] = []
        var outcomeKeys: Set<String> = []
        var duplicateOutcomes = 0
        var denials: [RecordedDenial] = []
        var storage: [StorageKey: String] = [:]
        var log: [LogLine] = []
    }

    /// The trial the plugin under test runs in.
    public let trial: String
    private let state: Mutex<State>

    /// Creates an empty lab running `trial`, its clock at `now`.
    ///
    /// - Parameter dataCategories: the data categories the trial's protocol allows; a plugin reading a merchant's
    ///   fields needs `merchant-profile` or `contact` among them.
    public init(trial: String = "trial", now: Date = Date(timeIntervalSince1970: 1_777_000_000),
                dataCategories: [String] = [MerchantDataCategory.profile]) {
        self.trial = trial
        state = Mutex(State(now: now, dataCategories: dataCategories))
    }

    // MARK: Setting up the lab

    /// Adds a merchant enrolled in this trial (or in `trial`), in `arm`, without consent yet.
    ///
    /// - Parameters:
    ///   - control: `true` for the control arm, which the plugin must never see.
    ///   - armConfiguration: the arm's configuration as JSON text.
    ///   - trial: another trial's name to enroll the merchant elsewhere; `nil` for this one.
    public func enroll(
        _ merchantID: String, arm: String = "treatment", control: Bool = false, armConfiguration: String = "{}",
        fields: [String: String] = [:], trial: String? = nil
    ) {
        let merchant = Merchant(
            id: merchantID, fields: fields, trial: trial ?? self.trial, arm: arm, isControl: control,
            armConfiguration: armConfiguration, consent: [])
        state.withLock { $0.merchants[merchantID] = merchant }
    }

    /// Adds a merchant the lab knows but who is enrolled in no trial.
    public func addUnenrolledMerchant(_ merchantID: String, fields: [String: String] = [:]) {
        let merchant = Merchant(
            id: merchantID, fields: fields, trial: nil, arm: "", isControl: false, armConfiguration: "{}", consent: [])
        state.withLock { $0.merchants[merchantID] = merchant }
    }

    /// Records that the merchant consented, at `at` (default: the clock), to `purposes` (default: every purpose a
    /// trial asks for), under the protocol version in force then.
    public func giveConsent(_ merchantID: String, at: Date? = nil, purposes: [String] = Purpose.known) {
        record(.given, merchantID, at, purposes: purposes)
    }

    /// Records that the merchant withdrew, at `at` (default: the clock). As in a lab, a withdrawal is final for the
    /// trial: a later consent does not bring the merchant back.
    public func withdrawConsent(_ merchantID: String, at: Date? = nil) {
        record(.withdrawn, merchantID, at)
    }

    /// Records that the merchant's consent expired, at `at` (default: the clock).
    public func expireConsent(_ merchantID: String, at: Date? = nil) {
        record(.expired, merchantID, at)
    }

    /// Approves a new version of the trial's protocol at `at` (default: the clock); a material one needs every
    /// merchant's renewed consent (`giveConsent` again) before the plugin may serve them.
    public func amendProtocol(material: Bool, at: Date? = nil) {
        state.withLock { $0.versions.append((at ?? $0.now, material)) }
    }

    /// Moves the trial to `trialState` (a paused or stopped trial serves nobody).
    public func setTrialState(_ trialState: TrialState) { state.withLock { $0.trialState = trialState } }

    private func record(_ kind: ConsentEvent.Kind, _ merchantID: String, _ at: Date?, purposes: [String] = []) {
        state.withLock { state in
            let event = ConsentEvent(kind: kind, at: at ?? state.now, purposes: purposes)
            state.merchants[merchantID]?.consent.append(event)
        }
    }

    /// Sets the clock.
    public func setNow(_ date: Date) { state.withLock { $0.now = date } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) { state.withLock { $0.now += seconds } }

    // MARK: Reading what happened

    /// The merchant as the lab knows it.
    public func merchant(_ merchantID: String) -> Merchant? { state.withLock { $0.merchants[merchantID] } }

    /// Every outcome stored, in order.
    public var outcomes: [RecordedOutcome] { state.withLock { $0.outcomes } }

    /// How many outcomes were logged again with a key already stored (and not stored again).
    public var duplicateOutcomes: Int { state.withLock { $0.duplicateOutcomes } }

    /// Every denial, in order.
    public var denials: [RecordedDenial] { state.withLock { $0.denials } }

    /// How many host calls were denied for `code`.
    public func denialCount(_ code: HostDenial.Code) -> Int {
        state.withLock { $0.denials.filter { $0.code == code }.count }
    }

    /// Every line plugins logged.
    public var logLines: [LogLine] { state.withLock { $0.log } }

    /// The JSON text a plugin stored under `key` (merchant-scoped, or plugin-wide when `merchantID` is `nil`).
    public func storedValue(_ key: String, merchantID: String?, plugin: String) -> String? {
        state.withLock { $0.storage[StorageKey(plugin: plugin, merchantID: merchantID, key: key)] }
    }

    /// Why a plugin may not see the merchant at `date` (default: the clock), or `nil` when it may.
    public func denialReason(for merchantID: String, at date: Date? = nil) -> HostDenial? {
        state.withLock { state in Self.gate(state, merchantID, at: date ?? state.now, trial: trial) }
    }

    /// Why a plugin's call of kind `question` about the merchant at `date` (default: the clock) is refused, or `nil`.
    public func denialReason(for merchantID: String, asking question: PlacementQuestion, at date: Date? = nil) -> HostDenial? {
        state.withLock { state in Self.gate(state, merchantID, at: date ?? state.now, trial: trial, question: question) }
    }

    // MARK: The consent gate

    /// The lab's placement rule on this fake lab: the merchant's facts as of the clock, their consent at `date`.
    private static func gate(_ state: State, _ merchantID: String, at date: Date, trial: String,
                             question: PlacementQuestion = .serve(purpose: Purpose.pluginData)) -> HostDenial? {
        let merchant = state.merchants[merchantID]
        var consent = ConsentIndex()
        for (index, version) in state.versions.enumerated() {
            consent.noteApproval(protocolID: trial, version: index + 1, at: version.approvedAt, material: version.material)
        }
        // Folded in time order; at equal times the event recorded later wins, as in an append-only log.
        let events = (merchant?.consent ?? []).enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        var withdrawn = false, consented = false
        for (_, event) in events {
            let version = state.versions.lastIndex { $0.approvedAt <= event.at }.map { $0 + 1 } ?? 1
            let kind: LivingLabCore.ConsentEvent.Kind = switch event.kind {
            case .given: .given
            case .withdrawn: .withdrawn
            case .expired: .expired
            }
            consent.apply(LivingLabCore.ConsentEvent(
                merchantID: merchantID, protocolID: trial, protocolVersion: version, kind: kind, purposes: event.purposes,
                documentSHA256: "", language: "", at: event.at, channel: "test", recordedBy: merchantID))
            if event.at <= state.now {
                if event.kind == .withdrawn { withdrawn = true }
                if event.kind == .given { consented = true }
            }
        }
        let enrolledHere = merchant?.trial == trial
        let enrollment: Enrollment.State? = !enrolledHere ? nil : withdrawn ? .withdrawn : consented ? .active : .invited
        let facts = PlacementFacts(
            protocolID: trial, enrollment: enrollment, activeElsewhere: merchant?.trial != nil && !enrolledHere,
            isControlArm: merchant?.isControl ?? false, trialState: state.trialState, dataCategories: state.dataCategories)
        guard case .denied(let reason) = PlacementRule.decide(question, merchantID: merchantID, facts: facts, consent: consent,
                                                               at: date) else { return nil }
        return HostDenial(HostDenial.Code(reason), "merchant \(merchantID): \(reason)")
    }

    /// Checks the gate for `merchantID` and counts a denial; runs `body` when allowed.
    private func gated<T>(
        _ call: String, _ merchantID: String, _ plugin: PluginIdentity,
        asking question: PlacementQuestion = .serve(purpose: Purpose.pluginData), measuredAt: Date? = nil,
        _ body: (inout State) -> Result<T, HostDenial>
    ) -> Result<T, HostDenial> {
        state.withLock { state in
            // As in a lab: the plugin must be allowed to act for the merchant now, and an outcome must pass the
            // outcome gate at its own timestamp.
            let denial =
                Self.gate(state, merchantID, at: state.now, trial: trial, question: question)
                ?? measuredAt.flatMap { Self.gate(state, merchantID, at: $0, trial: trial, question: .measure) }
            if let denial {
                state.denials.append(RecordedDenial(code: denial.code, merchantID: merchantID, call: call, plugin: plugin))
                return .failure(denial)
            }
            return body(&state)
        }
    }

    // MARK: PluginHostServices

    /// Stores the outcome once per idempotency key, if the merchant may be seen now and at the outcome's time.
    public func logOutcome(_ outcome: PluginOutcome, from plugin: PluginIdentity) -> Result<Void, HostDenial> {
        gated("logOutcome", outcome.merchantID, plugin, asking: .serve(purpose: Purpose.outcomeMeasurement),
              measuredAt: outcome.at) { state in
            let key = "\(plugin.id)\u{0}\(outcome.idempotencyKey)"
            guard state.outcomeKeys.insert(key).inserted else {
                state.duplicateOutcomes += 1
                return .success(())
            }
            var stored = outcome
            stored.at = outcome.at ?? state.now
            let arm = state.merchants[outcome.merchantID]?.arm ?? ""
            state.outcomes.append(RecordedOutcome(outcome: stored, plugin: plugin, arm: arm))
            return .success(())
        }
    }

    /// The merchant's fields, if the merchant may be seen.
    public func merchantFields(_ merchantID: String, for plugin: PluginIdentity) -> Result<[String: String], HostDenial> {
        gated("merchantFields", merchantID, plugin,
              asking: .serve(purpose: Purpose.pluginData, reading: [MerchantDataCategory.profile, MerchantDataCategory.contact])) {
            state in .success(state.merchants[merchantID]?.fields ?? [:])
        }
    }

    /// The merchant's arm configuration, if the merchant may be seen.
    public func armConfiguration(_ merchantID: String, for plugin: PluginIdentity) -> Result<String, HostDenial> {
        gated("armConfiguration", merchantID, plugin) { state in
            .success(state.merchants[merchantID]?.armConfiguration ?? "{}")
        }
    }

    /// A stored value; merchant-scoped storage passes the gate, plugin-wide storage does not need to.
    public func storageGet(_ key: String, merchantID: String?, for plugin: PluginIdentity) -> Result<String?, HostDenial> {
        let storageKey = StorageKey(plugin: plugin.id, merchantID: merchantID, key: key)
        guard let merchantID else { return .success(state.withLock { $0.storage[storageKey] }) }
        return gated("storageGet", merchantID, plugin) { state in .success(state.storage[storageKey]) }
    }

    /// Stores or removes a value; merchant-scoped storage passes the gate.
    public func storageSet(_ key: String, value: String?, merchantID: String?, for plugin: PluginIdentity)
        -> Result<Void, HostDenial>
    {
        let storageKey = StorageKey(plugin: plugin.id, merchantID: merchantID, key: key)
        guard let merchantID else {
            state.withLock { $0.storage[storageKey] = value }
            return .success(())
        }
        return gated("storageSet", merchantID, plugin) { state in
            state.storage[storageKey] = value
            return .success(())
        }
    }

    /// The fake lab's clock.
    public func now() -> Date { state.withLock { $0.now } }

    /// Records the line.
    public func log(_ level: PluginLogLevel, _ message: String, from plugin: PluginIdentity) {
        state.withLock { $0.log.append(LogLine(level: level, message: message, plugin: plugin)) }
    }
}
