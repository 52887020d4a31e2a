import Foundation
internal import LivingLabPluginABI
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the exported entry function returns: the plugin's C descriptor, opaque to Swift code.
public typealias PluginEntryPoint = UnsafeRawPointer

/// Publishes a plugin type through the C ABI; call it from the one exported entry function.
///
/// ```swift
/// @_cdecl("livinglab_plugin_entry")
/// public func livinglabPluginEntry() -> PluginEntryPoint { export(StampCard.self) }
/// ```
///
/// The descriptor is built once per plugin type and lives as long as the process.
public func export<Plugin: SolutionPlugin>(_ type: Plugin.Type) -> PluginEntryPoint {
    DescriptorCache.shared.descriptor(for: type)
}

/// One descriptor per plugin type, so repeated entry calls return the same pointer.
final class DescriptorCache: Sendable {
    static let shared = DescriptorCache()

    /// Descriptor addresses by plugin type; the descriptors are never freed, as the header promises.
    private let descriptors = Mutex<[ObjectIdentifier: UInt]>([:])

    func descriptor<Plugin: SolutionPlugin>(for type: Plugin.Type) -> PluginEntryPoint {
        let address = descriptors.withLock { descriptors in
            if let address = descriptors[ObjectIdentifier(type)] { return address }
            let address = UInt(bitPattern: Self.makeDescriptor(for: type))
            descriptors[ObjectIdentifier(type)] = address
            return address
        }
        // The address came from a live allocation above, so it is never zero.
        return UnsafeRawPointer(bitPattern: address)!
    }

    private static func makeDescriptor<Plugin: SolutionPlugin>(for type: Plugin.Type) -> UnsafeMutableRawPointer {
        let descriptor = UnsafeMutablePointer<livinglab_plugin>.allocate(capacity: 1)
        descriptor.initialize(
            to: livinglab_plugin(
                magic: LIVINGLAB_PLUGIN_MAGIC,
                abi_version: UInt32(LIVINGLAB_PLUGIN_ABI_VERSION),
                struct_size: UInt32(MemoryLayout<livinglab_plugin>.size),
                reserved: 0,
                manifest_json: UnsafePointer(strdup(manifestJSON(of: type))),
                free: { buffer in free(buffer) },
                plugin_data: Unmanaged.passRetained(PluginFactory(type)).toOpaque(),
                create: createThunk,
                activate: activateThunk,
                handle: handleThunk,
                deactivate: deactivateThunk,
                destroy: destroyThunk
            ))
        return UnsafeMutableRawPointer(descriptor)
    }

    /// The manifest as the header documents it, with the ABI version the SDK was built for.
    static func manifestJSON<Plugin: SolutionPlugin>(of type: Plugin.Type) -> String {
        guard var manifest = try? JSONValue(encoding: Plugin.manifest) else {
            // A manifest of strings and arrays always encodes; the host reports an empty one as malformed.
            return "{}"
        }
        manifest["abi_version"] = .number(Double(LIVINGLAB_PLUGIN_ABI_VERSION))
        return manifest.jsonText
    }
}

/// Makes instances of one plugin type; kept in the descriptor's `plugin_data`.
final class PluginFactory: Sendable {
    let type: any SolutionPlugin.Type

    init(_ type: any SolutionPlugin.Type) {
        self.type = type
    }
}
