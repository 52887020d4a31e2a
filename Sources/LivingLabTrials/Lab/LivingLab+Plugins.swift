import Foundation
import LivingLabCore
import LivingLabRuntime
import LivingLabStore

/// A trial after a change of state: who takes part, and for whom its plugin was (re)activated.
public struct TrialChange: Codable, Sendable, Hashable {
    public var protocolID: String
    public var state: TrialState
    /// The merchants the change concerned (active ones on start, those who completed on stop).
    public var merchants: [String]
    /// The plugin that serves the trial, `id@version`, when it was loaded.
    public var plugin: String?
    /// Treatment merchants the plugin now serves.
    public var activated: [String] = []
    /// Treatment merchants it could not serve, with the placement rule's reason.
    public var refused: [String: String] = [:]
}

extension LivingLab {
    /// Loads a plugin binary for its manifest and every load check, turning loader errors into user errors.
    public static func inspectPlugin(at path: String) throws(LabError) -> PluginBinary {
        do {
            return try PluginLoader.load(path: URL(fileURLWithPath: path).standardizedFileURL.path)
        } catch {
            throw LabError(.invalidInput, error.description)
        }
    }

    /// Registers a plugin binary, pinning its SHA-256; a different binary of an id and version already registered is
    /// refused unless `replace`.
    public func registerPlugin(at path: String, trusted: Bool, replace: Bool) throws(LabError) -> PluginRegistration {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let binary = try Self.inspectPlugin(at: absolute)
        let manifest = binary.manifest
        if let existing = try store.plugin(id: manifest.id).first(where: { $0.version == manifest.version }),
           existing.sha256 != binary.sha256, !replace {
            throw LabError.conflict("\(manifest.id)@\(manifest.version) is already registered with another binary (sha256 \(existing.sha256.prefix(16))…, now \(binary.sha256.prefix(16))…). Bump the plugin's version, or pass --replace if the firm ships this binary on purpose.")
        }
        let registration = PluginRegistration(
            id: manifest.id, version: manifest.version, firm: manifest.firm, path: absolute, sha256: binary.sha256,
            manifest: binary.manifestJSON, registeredAt: store.now(), isolation: trusted ? "in-process" : "isolated")
        try store.registerPlugin(registration, actor: actor)
        return registration
    }

    /// Sends a request to a trial's plugin for a merchant; refused unless the placement rule lets the plugin serve them.
    public func callPlugin(protocolID: String, merchantID: String, request: String) throws(LabError) -> String {
        _ = try JSONValue.parse(request)
        return try TrialRunner(store: store, protocolID: protocolID).call(merchantID, request: request)
    }

    /// Draws and commits a trial's assignment with the protocol's design and seed (or those given).
    public func assign(protocolID: String, design: String?, seed: UInt64?, overrideReason: String?) throws
        -> ArmAssigner.Outcome
    {
        try ArmAssigner.assign(store: store, protocolID: protocolID, designName: design, seed: seed,
                               overrideReason: overrideReason, actor: actor)
    }

    /// Starts (or resumes) a trial: assigned merchants become active and the plugin serves those in treatment arms.
    public func startTrial(_ protocolID: String) throws(LabError) -> TrialChange {
        let runner = try TrialRunner(store: store, protocolID: protocolID)
        let merchants = try store.setTrialState(protocolID, to: .running, actor: actor)
        let (activated, refused) = try runner.activateTreatmentMerchants()
        return TrialChange(protocolID: protocolID, state: .running, merchants: merchants,
                           plugin: "\(runner.registration.id)@\(runner.registration.version)", activated: activated, refused: refused)
    }

    /// Pauses or stops a trial: its plugin's host calls are refused from now on.
    public func setTrialState(_ protocolID: String, to state: TrialState) throws(LabError) -> TrialChange {
        TrialChange(protocolID: protocolID, state: state, merchants: try store.setTrialState(protocolID, to: state, actor: actor))
    }
}
