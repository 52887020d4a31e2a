import Foundation
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// The runtime checks every outcome against the plugin's manifest before the lab sees it.
@Suite struct OutcomeCheckTests {
    private let bridge = HostBridge(
        services: InMemoryPluginHost(),
        manifest: PluginManifestInfo(
            id: "org.example.shop", version: "1.0.0", firm: "Example", name: "Shop", abiVersion: 1,
            metrics: [.init(name: "revenue", unit: "EUR", direction: .increase)]))

    private func message(_ json: String) -> String? {
        switch bridge.parseOutcome(json) {
        case .success: nil
        case .failure(let denial): denial.code == .invalid ? denial.message : "unexpected \(denial.code)"
        }
    }

    @Test func aWellFormedOutcomeIsAccepted() throws {
        let outcome = try bridge.parseOutcome(
            #"{"merchant": "m1", "metric": "revenue", "value": 12.5, "unit": "EUR", "at": "2026-05-04T10:00:00Z", "idempotency_key": "o1"}"#
        ).get()
        #expect(outcome.merchantID == "m1")
        #expect(outcome.value == 12.5)
        #expect(outcome.at == Date(timeIntervalSince1970: 1_777_888_800))
        #expect(outcome.idempotencyKey == "o1")
    }

    @Test func theUnitDefaultsToTheDeclaredOne() throws {
        let outcome = try bridge.parseOutcome(#"{"merchant": "m1", "metric": "revenue", "value": 1, "idempotency_key": "o"}"#).get()
        #expect(outcome.unit == "EUR")
        #expect(outcome.at == nil)
    }

    @Test func anUndeclaredMetricIsRefusedNamingTheDeclaredOnes() {
        let text = message(#"{"merchant": "m1", "metric": "visits", "value": 1, "idempotency_key": "o"}"#)
        #expect(text?.contains("\"visits\" is not declared in the manifest (declared: revenue)") == true)
    }

    @Test func aUnitOtherThanTheDeclaredOneIsRefused() {
        let text = message(#"{"merchant": "m1", "metric": "revenue", "value": 1, "unit": "USD", "idempotency_key": "o"}"#)
        #expect(text?.contains("declared in EUR, the outcome says USD") == true)
    }

    @Test func anOutcomeWithoutAnIdempotencyKeyIsRefused() {
        let text = message(#"{"merchant": "m1", "metric": "revenue", "value": 1}"#)
        #expect(text?.contains("idempotency_key") == true)
    }

    @Test func aValueThatIsNotANumberIsRefused() {
        #expect(message(#"{"merchant": "m1", "metric": "revenue", "value": true, "idempotency_key": "o"}"#) != nil)
        #expect(message(#"{"merchant": "m1", "metric": "revenue", "value": "3", "idempotency_key": "o"}"#) != nil)
        #expect(message(#"{"merchant": "m1", "metric": "revenue", "idempotency_key": "o"}"#)?.contains("finite number") == true)
    }

    @Test func aTimestampThatIsNotISO8601IsRefused() {
        let text = message(#"{"merchant": "m1", "metric": "revenue", "value": 1, "at": "yesterday", "idempotency_key": "o"}"#)
        #expect(text?.contains("ISO-8601") == true)
    }

    @Test func anOutcomeWithoutAMerchantIsRefused() {
        #expect(message(#"{"metric": "revenue", "value": 1, "idempotency_key": "o"}"#)?.contains("merchant") == true)
    }
}
