import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// The outcomes click & collect reports, one per business event.
enum PickupMetric: String, CaseIterable {
    /// 1 per order placed.
    case orders
    /// The amount of a collected order, in euros.
    case revenue
    /// 1 for an order collected, 0 for a no-show: its mean over orders is the pick-up rate.
    case pickupRate = "pickup_rate"
    /// 1 per order not collected by the end of its slot.
    case noShows = "no_shows"
    /// 1 per reminder sent to a customer.
    case remindersSent = "reminders_sent"

    var unit: String {
        switch self {
        case .revenue: "EUR"
        case .pickupRate: "ratio"
        case .orders, .noShows, .remindersSent: "count"
        }
    }

    var direction: MetricDirection {
        self == .noShows ? .decrease : .increase
    }

    var spec: MetricSpec { MetricSpec(name: rawValue, unit: unit, direction: direction) }
}

/// Logs a merchant's outcomes at the request's time, each under a key naming the merchant and the business
/// event, so a replay stores nothing twice.
struct OutcomeRecorder {
    let host: PluginHost
    let merchantID: String
    let at: Date

    /// Logs one outcome at `time`, the moment of the business event (default: the request's time); a replay
    /// passes the original event's time, so the outcome means the same whichever copy is stored.
    func record(_ metric: PickupMetric, _ value: Double, at time: Date? = nil, event: String) throws {
        try host.logOutcome(
            merchantID: merchantID, metric: metric.rawValue, value: value, unit: metric.unit, at: time ?? at,
            idempotencyKey: "\(merchantID)/\(event)/\(metric.rawValue)")
    }
}
