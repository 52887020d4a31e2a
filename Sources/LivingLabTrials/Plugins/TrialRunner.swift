import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore
import Logging

/// Runs a protocol's plugin for its trial: loads the registered binary (checking its pinned SHA-256), in-process or in
/// a worker process, and activates, calls and deactivates it merchant by merchant — always through the consent gate.
public final class TrialRunner: Sendable {
    public let store: any LabStore
    public let protocolID: String
    /// The running plugin.
    public let plugin: any RunningPlugin
    /// The registration the plugin was loaded from.
    public let registration: PluginRegistration
    let host: LabPluginHost

    /// Loads the newest registered version of the protocol's plugin that its version range accepts.
    public init(store: any LabStore, protocolID: String, logger: Logger = Logger(label: "livinglab.trial"),
                workerPath: String? = nil) throws(LabError) {
        self.store = store
        self.protocolID = protocolID
        let stored = try store.storedProtocol(protocolID)
        let definition = (stored.approved ?? stored.latest).definition
        let range = try SemanticVersionRange(definition.plugin.versions)
        let candidates = try store.plugin(id: definition.plugin.id).compactMap { registration -> (SemanticVersion, PluginRegistration)? in
            guard let version = try? SemanticVersion(registration.version), range.contains(version) else { return nil }
            return (version, registration)
        }
        guard let chosen = candidates.max(by: { $0.0 < $1.0 })?.1 else {
            throw .notFound("No registered version of plugin \(definition.plugin.id) matches \(definition.plugin.versions), which protocol \(protocolID) needs: register it with `livinglab plugin register PATH`.")
        }
        registration = chosen
        host = LabPluginHost(store: store, logger: logger)
        do {
            if chosen.isolation == "in-process" {
                let binary = try PluginLoader.load(path: chosen.path, expectedSHA256: chosen.sha256)
                plugin = try PluginInstance(binary: binary, services: host)
            } else {
                var isolation = IsolatedPluginInstance.Isolation()
                if let workerPath { isolation.workerPath = workerPath }
                plugin = try IsolatedPluginInstance(path: chosen.path, expectedSHA256: chosen.sha256, services: host,
                                                    isolation: isolation)
            }
        } catch let error as PluginLoadError {
            let hint = error.code == .hashMismatch || error.code == .changedSinceLoaded
                ? " The binary changed since it was registered: if the firm shipped it on purpose, register it again with `livinglab plugin register \(chosen.path) --replace`."
                : ""
            throw LabError(.ruleViolation, "Plugin \(chosen.id)@\(chosen.version) cannot be loaded: \(error.message).\(hint)")
        } catch let error as PluginCallError {
            throw LabError(.internalError, "Plugin \(chosen.id)@\(chosen.version) failed to start: \(error.message)")
        } catch {
            throw LabError(.internalError, "Plugin \(chosen.id)@\(chosen.version) failed to start: \(error)")
        }
    }

    /// Activates the plugin for a merchant, with the fields their consent allows and their arm's configuration.
    ///
    /// - Throws: a `consent-denied` error when the consent gate refuses (not enrolled, control arm, withdrew, trial not
    ///   running…).
    public func activate(_ merchantID: String) throws(LabError) {
        let identity = plugin.identity
        let fields: [String: String]
        switch host.merchantFields(merchantID, for: identity) {
        case .success(let value): fields = value
        case .failure(let denial): throw LabError(.consentDenied, "\(identity.id) cannot serve merchant \(merchantID): \(denial.message).")
        }
        let configuration: String
        switch host.armConfiguration(merchantID, for: identity) {
        case .success(let value): configuration = value
        case .failure(let denial): throw LabError(.consentDenied, "\(identity.id) cannot serve merchant \(merchantID): \(denial.message).")
        }
        let arm = (try? store.assignments(in: protocolID).first { $0.merchantID == merchantID }?.arm) ?? ""
        do {
            try plugin.activate(merchantID: merchantID, fields: fields, arm: arm, armConfiguration: configuration)
        } catch {
            throw Self.labError(error, merchantID: merchantID)
        }
    }

    /// Activates the plugin for every active merchant of the trial in a treatment arm; returns those it activated and
    /// the refusals.
    public func activateTreatmentMerchants() throws(LabError) -> (activated: [String], refused: [String: String]) {
        let definition = try store.storedProtocol(protocolID).latest.definition
        let active = Set(try store.enrollments(in: protocolID).filter { $0.state == .active }.map(\.merchantID))
        var activated: [String] = []
        var refused: [String: String] = [:]
        for assignment in try store.assignments(in: protocolID) where active.contains(assignment.merchantID) {
            guard definition.arm(named: assignment.arm)?.control == false else { continue }
            do throws(LabError) {
                try activate(assignment.merchantID)
                activated.append(assignment.merchantID)
            } catch {
                refused[assignment.merchantID] = error.message
            }
        }
        return (activated, refused)
    }

    /// Sends a request to the plugin for a merchant, activating it first in this process if the gate allows.
    ///
    /// A merchant already active here is checked again against the placement rule on every call: a withdrawal, a
    /// pause or an expiry recorded by another process since stops the plugin for them before it answers.
    /// Whether the plugin runs in this process (a library the lab trusts), so that a call to it costs microseconds and
    /// needs no thread of its own; an isolated plugin answers through its worker's pipe.
    public var runsInProcess: Bool { registration.isolation == "in-process" }

    public func call(_ merchantID: String, request: String) throws(LabError) -> String {
        if plugin.activeMerchants.contains(merchantID) {
            if case .failure(let denial) = host.armConfiguration(merchantID, for: plugin.identity) {
                try? plugin.deactivate(merchantID: merchantID)
                throw LabError(.consentDenied, "\(plugin.identity.id) cannot serve merchant \(merchantID): \(denial.message).")
            }
        } else {
            try activate(merchantID)
        }
        do {
            return try plugin.handle(merchantID: merchantID, request: request)
        } catch {
            throw Self.labError(error, merchantID: merchantID)
        }
    }

    /// Stops serving a merchant (withdrawal, pause, stop) if this process serves them. Their stored plugin data is
    /// already kept, anonymised or erased by the store under the protocol's policy; and from now on every host call
    /// about them is refused, in this process or any other.
    public func deactivate(_ merchantID: String) throws(LabError) {
        do {
            try plugin.deactivate(merchantID: merchantID)
        } catch {
            throw Self.labError(error, merchantID: merchantID)
        }
    }

    static func labError(_ error: PluginCallError, merchantID: String) -> LabError {
        switch error.code {
        case .invalid, .notFound: LabError(.invalidInput, "The plugin refused the request for \(merchantID): \(error.message)")
        case .denied, .notActive: LabError(.consentDenied, "Refused for \(merchantID): \(error.message)")
        default: LabError(.internalError, "The plugin failed for \(merchantID): \(error.message)")
        }
    }
}
