import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// The outcomes appointment booking reports, one per business event.
enum BookingMetric: String, CaseIterable {
    /// 1 per appointment booked.
    case bookings
    /// Per finished day: places booked over places offered.
    case fillRate = "fill_rate"
    /// 1 for an appointment nobody came to, 0 for one that took place: its mean is the no-show rate.
    case noShowRate = "no_show_rate"
    /// 1 per appointment cancelled.
    case cancellations
    /// The price of an appointment that took place, in euros, when the booking carries one.
    case revenue
    /// 1 per reminder sent to a customer.
    case remindersSent = "reminders_sent"

    var unit: String {
        switch self {
        case .fillRate, .noShowRate: "ratio"
        case .revenue: "EUR"
        case .bookings, .cancellations, .remindersSent: "count"
        }
    }

    var direction: MetricDirection {
        switch self {
        case .noShowRate, .cancellations: .decrease
        case .bookings, .fillRate, .remindersSent, .revenue: .increase
        }
    }

    var spec: MetricSpec { MetricSpec(name: rawValue, unit: unit, direction: direction) }
}

/// Logs a merchant's outcomes, each under a key naming the merchant and the business event so a replay
/// stores nothing twice.
struct OutcomeRecorder {
    let host: PluginHost
    let merchantID: String

    func record(_ metric: BookingMetric, _ value: Double, at: Date, event: String) throws {
        try host.logOutcome(
            merchantID: merchantID, metric: metric.rawValue, value: value, unit: metric.unit, at: at,
            idempotencyKey: "\(merchantID)/\(event)/\(metric.rawValue)")
    }
}
