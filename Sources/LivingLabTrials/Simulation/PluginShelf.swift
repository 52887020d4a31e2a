import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

/// The first-party plugin libraries built next to the running executable, and their registration in a lab.
public enum PluginShelf {
    /// The first-party plugins' library names, without `lib` and `.so`.
    public static let firstParty = ["ClickAndCollect", "AppointmentBooking", "LocalDelivery"]

    /// The folder of the running executable (`.build/debug` for `livinglab`, the test bundle's folder in tests), where
    /// `swift build` puts the plugin libraries.
    public static var executableFolder: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The path of a first-party plugin's library in `folder`, checked to exist.
    public static func library(_ name: String, in folder: URL = executableFolder) throws(LabError) -> String {
        let path = folder.appendingPathComponent("lib\(name).so").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw LabError.notFound("The plugin library \(path) is missing: run `swift build` first (it builds the first-party plugins next to livinglab).")
        }
        return path
    }

    /// Registers the library at `path`, pinning its SHA-256; `trusted` plugins run in the host process.
    @discardableResult
    public static func register(_ path: String, in store: any LabStore, trusted: Bool = true, actor: String) throws(LabError)
        -> PluginRegistration
    {
        let binary: PluginBinary
        do {
            binary = try PluginLoader.load(path: path)
        } catch {
            throw LabError(.invalidInput, error.description)
        }
        let registration = PluginRegistration(
            id: binary.manifest.id, version: binary.manifest.version, firm: binary.manifest.firm, path: path,
            sha256: binary.sha256, manifest: binary.manifestJSON, registeredAt: store.now(),
            isolation: trusted ? "in-process" : "isolated")
        try store.registerPlugin(registration, actor: actor)
        return registration
    }
}
