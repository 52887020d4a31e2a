import Foundation
import LivingLabRuntime
import Synchronization

/// A lab in memory for testing a plugin: fake merchants, consents, a settable clock, storage,
/// and a record of every outcome and every denial.
///
/// It enforces the consent gate a lab does (invariant 7): a host call about a merchant is
/// denied with ``HostDenial/Code/notEnrolled`` when the merchant is unknown or not enrolled,
/// ``HostDenial/Code/otherTrial`` when enrolled in another trial, ``HostDenial/Code/controlArm``
/// in the control arm, ``HostDenial/Code/notConsented`` before consent and
/// ``HostDenial/Code/withdrawn`` after a withdrawal. Outcomes are checked both at the host's
/// clock and at their own timestamp. Every denial is counted.
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
        /// Given or withdrawn.
        public enum Kind: String, Sendable, Hashable {
            /// The merchant opted in.
            case given
            /// The merchant opted out.
            case withdrawn
        }

        /// Given or withdrawn.
        public var kind: Kind
        /// When it took effect.
        public var at: Date
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
    public init(trial: String = "trial", now: Date = Date(timeIntervalSince1970: 1_777_000_000)) {
        self.trial = trial
        state = Mutex(State(now: now))
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

    /// Records that the merchant consented, at `at` (default: the clock).
    public func giveConsent(_ merchantID: String, at: Date? = nil) {
        record(.given, merchantID, at)
    }

    /// Records that the merchant withdrew, at `at` (default: the clock).
    public func withdrawConsent(_ merchantID: String, at: Date? = nil) {
        record(.withdrawn, merchantID, at)
    }

    private func record(_ kind: ConsentEvent.Kind, _ merchantID: String, _ at: Date?) {
        state.withLock { state in
            let event = ConsentEvent(kind: kind, at: at ?? state.now)
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

    // MARK: The consent gate

    private static func gate(_ state: State, _ merchantID: String, at date: Date, trial: String) -> HostDenial? {
        guard let merchant = state.merchants[merchantID], let merchantTrial = merchant.trial else {
            return HostDenial(.notEnrolled, "merchant \(merchantID) is not enrolled in a trial")
        }
        guard merchantTrial == trial else {
            return HostDenial(.otherTrial, "merchant \(merchantID) is enrolled in another trial")
        }
        guard !merchant.isControl else {
            return HostDenial(.controlArm, "merchant \(merchantID) is in the control arm: the plugin must not see it")
        }
        // The latest event in effect; at equal times the one recorded later wins, as in an append-only log.
        let last = merchant.consent.enumerated().filter { $0.element.at <= date }
            .max { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        switch last?.element.kind {
        case nil:
            return HostDenial(.notConsented, "merchant \(merchantID) has not consented to this trial")
        case .withdrawn?:
            return HostDenial(.withdrawn, "merchant \(merchantID) withdrew consent")
        case .given?:
            return nil
        }
    }

    /// Checks the gate for `merchantID` and counts a denial; runs `body` when allowed.
    private func gated<T>(
        _ call: String, _ merchantID: String, _ plugin: PluginIdentity, extraDate: Date? = nil,
        _ body: (inout State) -> Result<T, HostDenial>
    ) -> Result<T, HostDenial> {
        state.withLock { state in
            let denial =
                Self.gate(state, merchantID, at: state.now, trial: trial)
                ?? extraDate.flatMap { Self.gate(state, merchantID, at: $0, trial: trial) }
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
        gated("logOutcome", outcome.merchantID, plugin, extraDate: outcome.at) { state in
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
        gated("merchantFields", merchantID, plugin) { state in .success(state.merchants[merchantID]?.fields ?? [:]) }
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
