import Foundation
internal import LivingLabPluginABI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The C side of the descriptor. Every thunk catches every Swift error and turns it into a
// status and a message: nothing unwinds across the C boundary.

typealias MessageOut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

/// A live plugin instance with the merchants it serves.
///
/// Not `Sendable` and unlocked: the box lives behind the C `instance` pointer, and the header
/// promises one call at a time per instance, which is what guards `merchants`.
final class InstanceBox {
    let plugin: any SolutionPlugin
    let host: PluginHost
    /// Boxed: a request's lookup then copies one reference out of the table, not the context's four fields.
    var merchants = MerchantTable()

    init(plugin: any SolutionPlugin, host: PluginHost) {
        self.plugin = plugin
        self.host = host
    }

    static func from(_ instance: UnsafeMutableRawPointer?) throws -> InstanceBox {
        guard let instance else { throw PluginError.internal("the host passed a NULL instance") }
        return Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
    }
}

/// A merchant the instance serves, as the plugin sees it.
final class ActiveMerchant {
    let context: MerchantContext

    init(_ context: MerchantContext) {
        self.context = context
    }
}

/// Runs `body`, mapping a thrown error to a status code and a plugin-allocated message.
private func guarded(_ message: MessageOut?, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return LIVINGLAB_OK
    } catch {
        let (status, text) = statusAndMessage(of: error)
        message?.pointee = strdup(text)
        return status
    }
}

/// The ABI status and message of any error a plugin throws.
func statusAndMessage(of error: any Error) -> (Int32, String) {
    switch error {
    case let error as PluginError:
        switch error.code {
        case .invalid: return (LIVINGLAB_INVALID, error.message)
        case .notFound: return (LIVINGLAB_NOT_FOUND, error.message)
        case .denied: return (LIVINGLAB_DENIED, error.message)
        default: return (LIVINGLAB_INTERNAL, error.message)
        }
    case let error as HostError:
        if error.isDenied { return (error.reason?.rawValue ?? LIVINGLAB_DENIED, error.message) }
        return (LIVINGLAB_INTERNAL, "a host call failed (\(error.code)): \(error.message)")
    default:
        return (LIVINGLAB_INTERNAL, String(describing: error))
    }
}

private func text(_ pointer: UnsafePointer<CChar>?, _ what: String) throws -> String {
    guard let pointer else { throw PluginError.invalid("\(what) is NULL") }
    return String(cString: pointer)
}

private func json(_ pointer: UnsafePointer<CChar>?, _ what: String, default fallback: JSONValue) throws -> JSONValue {
    guard let pointer else { return fallback }
    let source = String(cString: pointer)
    if source.isEmpty { return fallback }
    do {
        return try JSONValue(parsing: source)
    } catch {
        throw PluginError.invalid("\(what) is not valid JSON: \(source)")
    }
}

func createThunk(
    _ descriptor: UnsafePointer<livinglab_plugin>?, _ host: UnsafePointer<livinglab_host>?,
    _ configuration: UnsafePointer<CChar>?, _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ message: MessageOut?
) -> Int32 {
    guarded(message) {
        guard let descriptor, let data = descriptor.pointee.plugin_data, let instance else {
            throw PluginError.internal("create() needs the plugin's own descriptor and an instance out-pointer")
        }
        let factory = Unmanaged<PluginFactory>.fromOpaque(data).takeUnretainedValue()
        let pluginHost = PluginHost(table: try HostTable.validated(host))
        let configuration = try json(configuration, "the plugin configuration", default: [:])
        let plugin = try factory.type.init(host: pluginHost, configuration: configuration)
        instance.pointee = Unmanaged.passRetained(InstanceBox(plugin: plugin, host: pluginHost)).toOpaque()
    }
}

func activateThunk(
    _ instance: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ fields: UnsafePointer<CChar>?,
    _ arm: UnsafePointer<CChar>?, _ armConfiguration: UnsafePointer<CChar>?, _ message: MessageOut?
) -> Int32 {
    guarded(message) {
        let box = try InstanceBox.from(instance)
        let merchantID = try text(merchantID, "the merchant id")
        let fieldsValue = try json(fields, "the merchant fields", default: [:])
        var fieldStrings: [String: String] = [:]
        for (name, value) in fieldsValue.object ?? [:] {
            fieldStrings[name] = value.string ?? value.jsonText
        }
        let context = MerchantContext(
            merchantID: merchantID, fields: fieldStrings, arm: try text(arm, "the arm"),
            configuration: try json(armConfiguration, "the arm configuration", default: [:]))
        try box.plugin.activate(context)
        box.merchants.set(ActiveMerchant(context), id: merchantID)
    }
}

func handleThunk(
    _ instance: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ request: UnsafePointer<CChar>?,
    _ response: MessageOut?, _ message: MessageOut?
) -> Int32 {
    guarded(message) {
        let box = try InstanceBox.from(instance)
        guard let merchantID else { throw PluginError.invalid("the merchant id is NULL") }
        guard let merchant = box.merchants.merchant(id: merchantID) else {
            throw PluginError(.invalid,
                              "the plugin is not active for merchant \(String(cString: merchantID)): activate it before sending requests")
        }
        let parsed = try PluginRequest(wire: request, now: { box.host.now() })
        let answer = try box.plugin.handle(parsed, for: merchant.context)
        guard let response else { return }
        var text = JSONTextWriter()
        answer.write(into: &text)
        response.pointee = text.cString()
    }
}

func deactivateThunk(_ instance: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ message: MessageOut?)
    -> Int32
{
    guarded(message) {
        let box = try InstanceBox.from(instance)
        let merchantID = try text(merchantID, "the merchant id")
        // Forget the merchant even if the plugin's own clean-up fails: consent withdrawal must stop requests.
        defer { box.merchants.remove(id: merchantID) }
        try box.plugin.deactivate(merchantID: merchantID)
    }
}

func destroyThunk(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    Unmanaged<InstanceBox>.fromOpaque(instance).release()
}
