import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore
import Logging

/// The host functions of a lab, backed by its store: every plugin call about a merchant goes through the consent gate.
///
/// A plugin gets an answer about a merchant only if the merchant is enrolled in a running trial of that plugin (id and
/// version range), is active there, sits in a treatment arm, and has consent in force now for the purpose the call
/// serves (`plugin-data` to read or keep data, `outcome-measurement` to log an outcome). Fields are limited to the data
/// categories the protocol declares. Every refusal is counted per plugin and reason (invariant 7).
public final class LabPluginHost: PluginHostServices {
    let store: LabStore
    let logger: Logger

    /// A host for plugins of the lab in `store`.
    public init(store: LabStore, logger: Logger = Logger(label: "livinglab.plugins")) {
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
        let placement: LabStore.TrialPlacement
        switch self.placement(outcome.merchantID, for: plugin, purpose: Purpose.outcomeMeasurement) {
        case .success(let found): placement = found
        case .failure(let denial): return .failure(denial)
        }
        let submission = OutcomeSubmission(protocolID: placement.protocolID, merchantID: outcome.merchantID, metric: outcome.metric,
                                           value: outcome.value, unit: outcome.unit, at: outcome.at ?? now(),
                                           source: "plugin:\(plugin)", idempotencyKey: outcome.idempotencyKey)
        do {
            let result = try store.recordOutcomes([submission], actor: "plugin:\(plugin)")
            if case .rejected(let reason)? = result.dispositions.first {
                return .failure(deny(Self.code(for: reason), "outcome at \(Timestamp.format(submission.at)) refused: \(reason)", plugin))
            }
            return .success(())
        } catch {
            return .failure(HostDenial(.invalid, error.message))
        }
    }

    public func merchantFields(_ merchantID: String, for plugin: PluginIdentity) -> Result<[String: String], HostDenial> {
        placement(merchantID, for: plugin, purpose: Purpose.pluginData).flatMap { placement in
            let categories = placement.definition.consent.dataCategories
            guard categories.contains(MerchantDataCategory.profile) || categories.contains(MerchantDataCategory.contact) else {
                return .failure(deny(.categoryNotAllowed, "protocol \(placement.protocolID) allows no merchant data category "
                    + "(\(MerchantDataCategory.profile) or \(MerchantDataCategory.contact))", plugin))
            }
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

    /// The trial in which `plugin` may act for `merchantID` now, or the counted reason why it may not.
    func placement(_ merchantID: String, for plugin: PluginIdentity, purpose: String) -> Result<LabStore.TrialPlacement, HostDenial> {
        let placements: [LabStore.TrialPlacement]
        do {
            try store.refreshGate()
            placements = try store.placements(of: merchantID)
        } catch {
            return .failure(HostDenial(.internal, error.message))
        }
        let version = try? SemanticVersion(plugin.version)
        let mine = placements.filter { placement in
            guard placement.definition.plugin.id == plugin.id else { return false }
            guard let range = try? SemanticVersionRange(placement.definition.plugin.versions), let version else { return false }
            return range.contains(version)
        }
        guard let placement = mine.first(where: { $0.enrollment == .active }) ?? mine.first else {
            if placements.contains(where: { $0.enrollment == .active }) {
                return .failure(deny(.otherTrial, "merchant \(merchantID) takes part in another trial, not in one of \(plugin.id)", plugin))
            }
            return .failure(deny(.notEnrolled, "merchant \(merchantID) is not enrolled in a trial of \(plugin)", plugin))
        }
        if placement.enrollment == .withdrawn {
            return .failure(deny(.withdrawn, "merchant \(merchantID) withdrew from \(placement.protocolID)", plugin))
        }
        if placement.enrollment == .invited {
            return .failure(deny(.notConsented, "merchant \(merchantID) was invited to \(placement.protocolID) but has not consented", plugin))
        }
        if let arm = placement.arm, placement.definition.arm(named: arm)?.control == true {
            return .failure(deny(.controlArm, "merchant \(merchantID) is in the control arm of \(placement.protocolID)", plugin))
        }
        guard placement.trialState == .running, placement.enrollment == .active else {
            return .failure(deny(.notActive, "\(placement.protocolID) is \(placement.trialState.rawValue) and merchant \(merchantID) is \(placement.enrollment.rawValue)", plugin))
        }
        let decision = store.decide(merchantID: merchantID, protocolID: placement.protocolID, purpose: purpose, at: now())
        if case .denied(let reason) = decision {
            return .failure(deny(Self.code(for: reason), "\(reason) (\(placement.protocolID), purpose \(purpose))", plugin))
        }
        return .success(placement)
    }

    /// Counts the refusal and returns it.
    private func deny(_ code: HostDenial.Code, _ message: String, _ plugin: PluginIdentity) -> HostDenial {
        do {
            try store.countHostDenial(pluginID: plugin.id, reason: code.rawValue)
        } catch {
            logger.error("could not count a host denial: \(error)")
        }
        return HostDenial(code, message)
    }

    static func code(for reason: DenialReason) -> HostDenial.Code {
        switch reason {
        case .notConsented, .expired, .versionNotCovered: .notConsented
        case .purposeNotCovered, .categoryNotAllowed: .categoryNotAllowed
        case .withdrawn: .withdrawn
        case .notEnrolled: .notEnrolled
        case .controlArm: .controlArm
        case .otherTrial: .otherTrial
        case .notActive: .notActive
        }
    }
}
