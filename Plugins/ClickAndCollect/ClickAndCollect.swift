import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// Click & collect for a street shop: a catalogue with stock, pick-up slots cut from opening hours, and orders
/// that go placed → ready → collected, or end as a no-show or a cancellation.
///
/// Arms differ by slot length and capacity, preparation time and reminders (see ``PickupSettings``). All state
/// lives in host storage (a small working document per merchant, finished records beside it), so a host may
/// load the plugin for a single request.
public final class ClickAndCollect: SolutionPlugin {
    /// Who this plugin is and what it reports, as the lab registers it.
    public static let manifest = PluginManifest(
        id: "fr.livinglab.click-and-collect",
        version: "1.0.0",
        firm: "panier-malin",
        name: "Click & collect",
        summary: "Customers order from the shop's catalogue online and pick up in a time slot; "
            + "the shop sees orders per slot and marks them ready, collected or not collected.",
        capabilities: ["requests", "outcomes", "storage"],
        metrics: PickupMetric.allCases.map(\.spec),
        dataCategories: ["merchant-profile", "orders", "revenue"]
    )

    let host: PluginHost
    let clock: StreetClock

    /// Reads the plugin-wide configuration: `timeZone` (IANA name, default "Europe/Paris").
    public init(host: PluginHost, configuration: JSONValue) throws {
        clock = try StreetClock(pluginConfiguration: configuration)
        self.host = host
    }

    /// Checks the arm's configuration up front, so a bad protocol fails at trial start rather than on an order.
    public func activate(_ merchant: MerchantContext) throws {
        let settings = try PickupSettings(arm: merchant.configuration)
        host.log(
            .info,
            "click & collect on for \(merchant.merchantID) (arm \(merchant.arm)): \(settings.slotMinutes)-minute slots, "
                + "\(settings.slotCapacity) orders each, reminders \(settings.reminders ? "on" : "off")")
    }

    /// Runs one action for a merchant; ``OrderDesk`` documents each action's request and response.
    public func handle(_ request: PluginRequest, for merchant: MerchantContext) throws -> JSONValue {
        let body = try RequestBody(request)
        guard Self.actions.contains(request.action) else {
            throw Rejection.unknownAction(
                "click & collect has no action '\(request.action)'; send one of: \(Self.actions.joined(separator: ", "))"
            )
        }
        let settings = try PickupSettings(arm: merchant.configuration)
        let storage = host.storage(merchantID: merchant.merchantID)
        // The working document is read and written once per request: the host calls an instance one request
        // at a time, so nothing changes it in between.
        let stored = try storage.get(ShopState.key, as: ShopState.self) ?? ShopState()

        var desk = OrderDesk(
            state: stored, archive: OrderArchive(storage: storage), settings: settings, clock: clock, at: request.at,
            outcomes: OutcomeRecorder(host: host, merchantID: merchant.merchantID, at: request.at))

        let response: JSONValue
        switch request.action {
        case "setCatalogue": response = try desk.setCatalogue(body)
        case "catalogue": response = desk.catalogue()
        case "setOpeningHours": response = try desk.setOpeningHours(body)
        case "openingHours": response = desk.openingHours()
        case "listSlots": response = try desk.listSlots(body)
        case "placeOrder": response = try desk.placeOrder(body)
        case "markReady": response = try desk.markReady(body)
        case "collect": response = try desk.collect(body)
        case "markNoShow": response = try desk.markNoShow(body)
        case "cancel": response = try desk.cancel(body)
        case "sendReminders": response = try desk.sendReminders()
        case "order": response = try desk.order(body)
        case "orders": response = try desk.orders(body)
        default: response = desk.summary()
        }
        desk.state.forgetSlots(before: request.at)
        // The archive first: the working document decides what is open, so it is written last.
        try desk.archive.flush()
        if desk.state != stored {
            try storage.set(ShopState.key, desk.state)
        }
        return response
    }

    /// Nothing to release: the merchant's data stays in host storage, under the protocol's data policy.
    public func deactivate(merchantID: String) throws {}

    /// The actions `handle` understands.
    static let actions = [
        "setCatalogue", "catalogue", "setOpeningHours", "openingHours", "listSlots", "placeOrder", "markReady",
        "collect", "markNoShow", "cancel", "sendReminders", "order", "orders", "summary",
    ]
}

/// The plugin's entry point, found by the host with `dlsym`.
@_cdecl("livinglab_plugin_entry")
public func livinglabPluginEntry() -> PluginEntryPoint { export(ClickAndCollect.self) }
