import Foundation
import LivingLabPluginABI

/// A plugin library loaded into this process, its descriptor checked and its manifest read.
///
/// Loading never unloads: a library stays mapped for the life of the process, because
/// unloading Swift code that registered metadata crashes the host later. A new version is
/// loaded from a new path (or in a new worker process).
public struct PluginBinary: Sendable {
    /// The absolute path the library was loaded from.
    public let path: String
    /// The lowercase hex SHA-256 of the file, computed before any of its code ran.
    public let sha256: String
    /// The checked manifest.
    public let manifest: PluginManifestInfo
    /// The manifest exactly as the plugin published it.
    public let manifestJSON: String
    /// The ABI version of the plugin's descriptor.
    public let abiVersion: UInt32
    /// The plugin's descriptor, for instances.
    package let descriptor: PluginDescriptor

    /// The plugin's id, version and firm.
    public var identity: PluginIdentity { manifest.identity }
}

/// The C descriptor of a loaded plugin.
///
/// `@unchecked Sendable`: the descriptor is immutable and lives as long as the process (the
/// header requires both, and the library is never unloaded).
package final class PluginDescriptor: @unchecked Sendable {
    package let pointer: UnsafePointer<livinglab_plugin>

    init(_ pointer: UnsafePointer<livinglab_plugin>) {
        self.pointer = pointer
    }
}
