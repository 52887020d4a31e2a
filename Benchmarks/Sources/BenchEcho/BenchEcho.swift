import EchoHandler
import LivingLabPluginKit

/// The benchmark's plugin: the same handler as the direct call, behind the C ABI.
public final class BenchEcho: SolutionPlugin {
    public static let manifest = PluginManifest(
        id: "bench.echo", version: "1.0.0", firm: "bench", name: "Echo", summary: "Answers what it is sent.",
        capabilities: ["requests"], metrics: [], dataCategories: [])

    public init(host: PluginHost, configuration: JSONValue) throws {}

    public func handle(_ request: PluginRequest, for merchant: MerchantContext) throws -> JSONValue {
        EchoHandler.respond(to: request.body)
    }
}

@_cdecl("livinglab_plugin_entry")
public func livinglabPluginEntry() -> PluginEntryPoint { export(BenchEcho.self) }
