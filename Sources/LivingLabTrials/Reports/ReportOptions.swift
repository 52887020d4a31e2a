import Foundation
import LivingLabAnalysis

/// Settings for assembling a report.
public struct ReportOptions: Sendable {
    /// Only this merchant's own figures, for their eyes; `nil` for the aggregate (firm-facing) report.
    public var merchantID: String?
    /// The level of every interval.
    public var confidenceLevel: Double = 0.95
    /// Monte Carlo draws of randomisation inference when its assignments are too many to enumerate.
    public var randomizationDraws: Int = 2_000
    /// Seed of those draws, so a report can be reproduced.
    public var seed: UInt64 = 1
    /// Called with the fraction done during randomisation inference.
    public var progress: ProgressHandler?

    /// Creates the default options: aggregate report, 95% intervals, 2,000 draws, seed 1.
    public init(merchantID: String? = nil) { self.merchantID = merchantID }
}
