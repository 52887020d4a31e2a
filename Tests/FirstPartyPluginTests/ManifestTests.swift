import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// What each first-party plugin tells the lab about itself, read from the built library.
@Suite("First-party manifests")
struct ManifestTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let library: String
        let id: String
        let firm: String
        let metrics: [String: String]
        let dataCategories: Set<String>

        var testDescription: String { library }
    }

    static let plugins = [
        Expected(
            library: "ClickAndCollect", id: "fr.livinglab.click-and-collect", firm: "panier-malin",
            metrics: [
                "orders": "count", "revenue": "EUR", "pickup_rate": "ratio", "no_shows": "count",
                "reminders_sent": "count",
            ],
            dataCategories: ["merchant-profile", "orders", "revenue"]),
        Expected(
            library: "AppointmentBooking", id: "fr.livinglab.appointment-booking", firm: "agenda-quartier",
            metrics: [
                "bookings": "count", "fill_rate": "ratio", "no_show_rate": "ratio", "cancellations": "count",
                "reminders_sent": "count", "revenue": "EUR",
            ],
            dataCategories: ["merchant-profile", "bookings", "revenue"]),
        Expected(
            library: "LocalDelivery", id: "fr.livinglab.local-delivery", firm: "velo-livraison",
            metrics: [
                "deliveries": "count", "basket_value": "EUR", "round_length_m": "metre", "failed_deliveries": "count",
            ],
            dataCategories: ["merchant-profile", "orders", "delivery-addresses"]),
    ]

    @Test(
        "each plugin loads and declares its id, firm, version, metrics with units and data categories",
        arguments: plugins)
    func manifest(_ expected: Expected) throws {
        let plugin = try PluginTestHarness(pluginNamed: expected.library)
        let manifest = plugin.binary.manifest
        #expect(manifest.id == expected.id)
        #expect(manifest.firm == expected.firm)
        #expect(manifest.version == "1.0.0")
        #expect(!manifest.summary.isEmpty)
        #expect(Set(manifest.capabilities) == ["requests", "outcomes", "storage"])
        #expect(Dictionary(uniqueKeysWithValues: manifest.metrics.map { ($0.name, $0.unit) }) == expected.metrics)
        #expect(Set(manifest.dataCategories) == expected.dataCategories)
        #expect(manifest.problems(descriptorABIVersion: plugin.binary.abiVersion).isEmpty)
    }

    @Test("metrics where less is better are declared as such")
    func directions() throws {
        let lowerIsBetter: Set = ["no_shows", "no_show_rate", "cancellations", "round_length_m", "failed_deliveries"]
        for expected in Self.plugins {
            let manifest = try PluginTestHarness(pluginNamed: expected.library).binary.manifest
            for metric in manifest.metrics {
                #expect((metric.direction == .decrease) == lowerIsBetter.contains(metric.name), "\(metric.name)")
            }
        }
    }
}
