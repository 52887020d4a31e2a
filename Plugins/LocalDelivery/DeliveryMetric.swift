import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// The outcomes local delivery reports, one per business event.
enum DeliveryMetric: String, CaseIterable {
    /// 1 per basket handed over.
    case deliveries
    /// The value of a delivered basket, in euros.
    case basketValue = "basket_value"
    /// The length of a dispatched round, depot and back, in metres.
    case roundLength = "round_length_m"
    /// 1 per basket the rider could not hand over.
    case failedDeliveries = "failed_deliveries"

    var unit: String {
        switch self {
        case .deliveries, .failedDeliveries: "count"
        case .basketValue: "EUR"
        case .roundLength: "metre"
        }
    }

    var direction: MetricDirection {
        switch self {
        case .deliveries, .basketValue: .increase
        case .roundLength, .failedDeliveries: .decrease
        }
    }

    var spec: MetricSpec { MetricSpec(name: rawValue, unit: unit, direction: direction) }
}

/// Logs a merchant's outcomes at the request's time, each under a key naming the merchant and the business
/// event so a replay stores nothing twice.
struct OutcomeRecorder {
    let host: PluginHost
    let merchantID: String
    let at: Date

    /// Logs one outcome at `time`, the moment of the business event (default: the request's time); a replay
    /// passes the original event's time, so the outcome means the same whichever copy is stored.
    func record(_ metric: DeliveryMetric, _ value: Double, at time: Date? = nil, event: String) throws {
        try host.logOutcome(
            merchantID: merchantID, metric: metric.rawValue, value: value, unit: metric.unit, at: time ?? at,
            idempotencyKey: "\(merchantID)/\(event)/\(metric.rawValue)")
    }
}
