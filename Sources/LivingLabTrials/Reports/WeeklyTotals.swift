import Foundation

/// The per-merchant weekly totals of one metric, with which merchant-weeks could be measured at all.
struct WeeklyTotals {
    /// Merchant id → weekly totals (0 where observable but nothing was recorded; `nil` where not observable).
    var byMerchant: [String: [Double?]]
    /// Outcomes counted, per merchant.
    var observations: [String: Int]

    init(byMerchant: [String: [Double?]], observations: [String: Int]) {
        self.byMerchant = byMerchant
        self.observations = observations
    }
}
