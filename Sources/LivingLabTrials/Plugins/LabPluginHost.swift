import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore
import Logging
import Synchronization

/// The host functions of a lab, backed by its store: every plugin call about a merchant goes through the consent gate.
///
/// A plugin gets an answer about a merchant only if the merchant is enrolled in a running trial of that plugin (id and
/// version range), is active there, sits in a treatment arm, and has consent in force now for the purpose the call
/// serves (`plugin-data` to read or keep data, `outcome-measurement` to log an outcome). Fields are limited to the data
/// categories the protocol declares. Every refusal is counted per plugin and reason (invariant 7).
public final class LabPluginHost: PluginHostServices {
    let store: any LabStore
    let logger: Logger
    /// `version range` → whether the version is in the range.
    private let versionMatches = Mutex<[String: Bool]>([:])

    /// A host for plugins of the lab in `store`.
    public init(store: any LabStore, logger: Logger = Logger(label: "livinglab.plugins")) {
        self.store = store
        self.logger = logger
    }

    public func now() -> Date { store.now() }

    public func log(_ level: PluginLogLevel, _ message: String, from plugin: PluginIdentity) {
        let level: Logger.Level = switch level {
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
        logger.log(level: level, "\(message)", metadata: ["plugin": "\(plugin)"])
    }

    public func logOutcome(_ outcome: PluginOutcome, from plugin: PluginIdentity) -> Result<Void, HostDenial> {
        let placement: TrialPlacement
        switch self.placement(outcome.merchantID, for: plugin, purpose: Purpose.outcomeMeasurement) {
        case .success(let found): placement = found
        case .failure(let denial): return .failure(denial)
        }
        let submission = OutcomeSubmission(protocolID: placement.protocolID, merchantID: outcome.merchantID, metric: outcome.metric,
                                           value: outcome.value, unit: outcome.unit, at: outcome.at ?? now(),
                                           source: "plugin:\(plugin)", idempotencyKey: outcome.idempotencyKey)
        do {
            let result = try store.recordOutcomes([submission], actor: "plugin:\(plugin)")
            switch result.dispositions.first {
            case .rejected(let reason)?:
                return .failure(deny(reason, "outcome at \(Timestamp.format(submission.at)) refused: \(reason)", plugin))
            case .conflict(let stored)?:
                return .failure(HostDenial(.invalid, KeyConflict(key: submission.idempotencyKey, storedValue: stored,
                                                                 value: submission.value).error.message))
            case .stored?, .duplicate?, nil:
                break
            }
            return .success(())
        } catch {
            return .failure(HostDenial(.invalid, error.message))
        }
    }

    public func merchantFields(_ merchantID: String, for plugin: PluginIdentity) -> Result<[String: String], HostDenial> {
        let reading = [MerchantDataCategory.profile, MerchantDataCategory.contact]
        return placement(merchantID, for: plugin, purpose: Purpose.pluginData, reading: reading).flatMap { placement in
            let categories = placement.definition.consent.dataCategories
            do {
                return .success(MerchantDataCategory.fields(of: try store.merchant(merchantID), allowed: categories))
            } catch {
                return .failure(HostDenial(.internal, String(describing: error)))
            }
        }
    }

    public func armConfiguration(_ merchantID: String, for plugin: PluginIdentity) -> Result<String, HostDenial> {
        placement(merchantID, for: plugin, purpose: Purpose.pluginData).map { placement in
            (placement.arm.flatMap { placement.definition.arm(named: $0) }?.configuration ?? .object([:])).canonicalText
        }
    }

    public func storageGet(_ key: String, merchantID: String?, for plugin: PluginIdentity) -> Result<String?, HostDenial> {
        if let merchantID {
            if case .failure(let denial) = placement(merchantID, for: plugin, purpose: Purpose.pluginData) { return .failure(denial) }
        }
        do {
            return .success(try store.pluginValue(pluginID: plugin.id, merchantID: merchantID ?? "", key: key))
        } catch {
            return .failure(HostDenial(.internal, error.message))
        }
    }

    public func storageSet(_ key: String, value: String?, merchantID: String?, for plugin: PluginIdentity) -> Result<Void, HostDenial> {
        if let merchantID {
            if case .failure(let denial) = placement(merchantID, for: plugin, purpose: Purpose.pluginData) { return .failure(denial) }
        }
        do {
            return .success(try store.setPluginValue(pluginID: plugin.id, merchantID: merchantID ?? "", key: key, value: value))
        } catch {
            return .failure(HostDenial(.internal, error.message))
        }
    }

    /// The trial in which `plugin` may act for `merchantID` now, or the counted reason why it may not: the lab's one
    /// placement rule (``PlacementRule``) decides, on the merchant's placements and the consent ledger.
    func placement(_ merchantID: String, for plugin: PluginIdentity, purpose: String, reading: [String] = [])
        -> Result<TrialPlacement, HostDenial>
    {
        let placements: [TrialPlacement]
        let gate: ConsentIndex
        do {
            gate = try store.consentGate()
            placements = try store.placements(of: merchantID)
        } catch {
            return .failure(HostDenial(.internal, error.message))
        }
        let mine = placements.filter { placement in
            placement.definition.plugin.id == plugin.id && matches(plugin.version, placement.definition.plugin.versions)
        }
        let chosen = mine.first(where: { $0.enrollment == .active }) ?? mine.first
        let facts = PlacementFacts(
            protocolID: chosen?.protocolID ?? "", enrollment: chosen?.enrollment,
            activeElsewhere: placements.contains { other in
                other.enrollment == .active && !mine.contains { $0.protocolID == other.protocolID }
            },
            isControlArm: chosen.flatMap { placement in placement.arm.flatMap { placement.definition.arm(named: $0) } }?.control == true,
            trialState: chosen?.trialState ?? .draft, dataCategories: chosen?.definition.consent.dataCategories ?? [])
        let decision = PlacementRule.decide(.serve(purpose: purpose, reading: reading), merchantID: merchantID, facts: facts,
                                            consent: gate, at: now())
        if case .denied(let reason) = decision {
            let trial = chosen.map { "\($0.protocolID) is \($0.trialState.rawValue), merchant \(merchantID) is \($0.enrollment.rawValue)" }
                ?? "merchant \(merchantID) is in no trial of \(plugin)"
            return .failure(deny(reason, "\(reason) (\(trial); purpose \(purpose))", plugin))
        }
        return .success(chosen!)
    }

    /// Whether `version` is in `range`, remembered: every host call asks it again of the same few texts.
    private func matches(_ version: String, _ range: String) -> Bool {
        let key = "\(version) \(range)"
        if let known = versionMatches.withLock({ $0[key] }) { return known }
        let result: Bool
        if let parsedVersion = try? SemanticVersion(version), let parsedRange = try? SemanticVersionRange(range) {
            result = parsedRange.contains(parsedVersion)
        } else {
            result = false
        }
        versionMatches.withLock { matches in
            if matches.count > 1_000 { matches.removeAll() }
            matches[key] = result
        }
        return result
    }

    /// Counts the refusal and returns it.
    private func deny(_ reason: DenialReason, _ message: String, _ plugin: PluginIdentity) -> HostDenial {
        do {
            try store.countHostDenial(pluginID: plugin.id, reason: reason)
        } catch {
            logger.error("could not count a host denial: \(error)")
        }
        return HostDenial(HostDenial.Code(reason), message)
    }
}
