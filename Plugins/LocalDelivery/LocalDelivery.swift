import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// Outgoing delivery for street shops: baskets to addresses along the street, grouped into bike rounds so a
/// rider makes one pass per round.
///
/// Arms differ by round capacity, longest round and depot (see ``RoundSettings``). All state lives in host
/// storage (a small working document per merchant, finished records beside it), so a host may load the plugin
/// for a single request.
public final class LocalDelivery: SolutionPlugin {
    /// Who this plugin is and what it reports, as the lab registers it.
    public static let manifest = PluginManifest(
        id: "fr.livinglab.local-delivery",
        version: "1.0.0",
        firm: "velo-livraison",
        name: "Local delivery",
        summary: "The shop hands baskets to a bike rider who delivers them along the street in rounds; "
            + "the plugin groups deliveries into rounds and tracks each basket.",
        capabilities: ["requests", "outcomes", "storage"],
        metrics: DeliveryMetric.allCases.map(\.spec),
        dataCategories: ["merchant-profile", "orders", "delivery-addresses"]
    )

    /// The actions `handle` understands.
    static let actions = [
        "requestDelivery", "planRounds", "dispatch", "completeRound", "cancel", "delivery", "deliveries", "rounds",
        "round", "summary",
    ]

    let host: PluginHost

    /// Takes no plugin-wide configuration: everything that varies is in the arm's.
    public init(host: PluginHost, configuration: JSONValue) throws {
        self.host = host
    }

    /// Checks the arm's configuration up front, so a bad protocol fails at trial start rather than on a basket.
    public func activate(_ merchant: MerchantContext) throws {
        let settings = try RoundSettings(arm: merchant.configuration, merchantFields: merchant.fields)
        host.log(
            .info,
            "local delivery on for \(merchant.merchantID) (arm \(merchant.arm)): rounds of up to "
                + "\(settings.roundCapacity) baskets and \(settings.maxRoundMetres) m from \(settings.depotMetres) m")
    }

    /// Runs one action for a merchant; ``Dispatcher`` documents each action's request and response.
    public func handle(_ request: PluginRequest, for merchant: MerchantContext) throws -> JSONValue {
        let body = try RequestBody(request)
        guard Self.actions.contains(request.action) else {
            throw Rejection.unknownAction(
                "local delivery has no action '\(request.action)'; send one of: \(Self.actions.joined(separator: ", "))"
            )
        }
        let settings = try RoundSettings(arm: merchant.configuration, merchantFields: merchant.fields)
        let storage = host.storage(merchantID: merchant.merchantID)
        // The working document is read and written once per request: the host calls an instance one request
        // at a time, so nothing changes it in between.
        let stored = try storage.get(DeliveryBook.key, as: DeliveryBook.self) ?? DeliveryBook()
        var dispatcher = Dispatcher(
            book: stored, archive: DeliveryArchive(storage: storage), settings: settings, at: request.at,
            outcomes: OutcomeRecorder(host: host, merchantID: merchant.merchantID, at: request.at))

        let response: JSONValue
        switch request.action {
        case "requestDelivery": response = try dispatcher.requestDelivery(body)
        case "planRounds": response = dispatcher.planRounds()
        case "dispatch": response = try dispatcher.dispatch(body)
        case "completeRound": response = try dispatcher.completeRound(body)
        case "cancel": response = try dispatcher.cancel(body)
        case "delivery": response = try dispatcher.delivery(body)
        case "deliveries": response = try dispatcher.deliveries(body)
        case "rounds": response = dispatcher.rounds()
        case "round": response = try dispatcher.round(body)
        default: response = dispatcher.summary()
        }
        // The archive first: the working document decides what is still out, so it is written last.
        try dispatcher.archive.flush()
        if dispatcher.book != stored {
            try storage.set(DeliveryBook.key, dispatcher.book)
        }
        return response
    }
}

/// The plugin's entry point, found by the host with `dlsym`.
@_cdecl("livinglab_plugin_entry")
public func livinglabPluginEntry() -> PluginEntryPoint { export(LocalDelivery.self) }
