import LivingLabCore
import LivingLabPluginABI

/// The versions of the plugin C ABI this host speaks, and the SDK that builds them.
public enum PluginABI {
    /// The ABI versions this host can load.
    public static let supportedVersions: ClosedRange<UInt32> = 1...UInt32(LIVINGLAB_PLUGIN_ABI_VERSION)
    /// The ABI version new plugins are built for (`LIVINGLAB_PLUGIN_ABI_VERSION`).
    public static let currentVersion = UInt32(LIVINGLAB_PLUGIN_ABI_VERSION)
    /// The SDK release line that builds plugins for ``currentVersion``; named in refusals.
    public static let sdkRelease = LivingLabVersion.current
    /// The exported symbol every plugin provides.
    public static let entrySymbol = "livinglab_plugin_entry"
}
