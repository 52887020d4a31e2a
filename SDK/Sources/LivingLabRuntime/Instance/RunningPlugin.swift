/// A plugin the lab can drive, in-process (``PluginInstance``) or in a worker (``IsolatedPluginInstance``).
///
/// The lab's trial runner talks to this protocol so that trusted plugins run in-process and
/// untrusted ones isolated, with the same code.
public protocol RunningPlugin: AnyObject, Sendable {
    /// The plugin's id, version and firm.
    var identity: PluginIdentity { get }
    /// The checked manifest.
    var manifest: PluginManifestInfo { get }
    /// The merchants the plugin currently serves.
    var activeMerchants: Set<String> { get }
    /// Starts serving a merchant with the fields its consent allows and its arm's configuration (JSON text).
    func activate(merchantID: String, fields: [String: String], arm: String, armConfiguration: String)
        throws(PluginCallError)
    /// Sends a request (`{"action": ..., ...}`) for an active merchant and returns the JSON response.
    func handle(merchantID: String, request: String) throws(PluginCallError) -> String
    /// Stops serving a merchant; it is inactive afterwards even if the plugin reports an error.
    func deactivate(merchantID: String) throws(PluginCallError)
}

extension PluginInstance: RunningPlugin {
    /// The checked manifest of the loaded library.
    public var manifest: PluginManifestInfo { binary.manifest }
}

extension IsolatedPluginInstance: RunningPlugin {}
