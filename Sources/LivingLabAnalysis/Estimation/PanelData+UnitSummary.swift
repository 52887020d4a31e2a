import Foundation

extension PanelData {
    /// One unit's outcome before and after the feature started, from a panel with a common start.
    public struct UnitSummary: Codable, Hashable, Sendable {
        /// The unit.
        public var unit: String
        /// Whether the unit is exposed in any period.
        public var treated: Bool
        /// The mean outcome over the periods before the start (NaN if the unit has none).
        public var preMean: Double
        /// The mean outcome over the periods from the start (NaN if the unit has none).
        public var postMean: Double
        /// Observed periods before and after the start.
        public var prePeriods: Int
        /// Observed periods from the start.
        public var postPeriods: Int
    }

    /// Per-unit pre- and post-period means, with "post" meaning the periods in which any unit is exposed, in order
    /// of first appearance.
    ///
    /// This is what ANCOVA (post mean on pre mean) and the per-merchant part of a report need.
    public func unitSummaries() throws -> [UnitSummary] {
        try validate()
        let postPeriods = Set(zip(period, exposed).filter { $0.1 }.map(\.0))
        guard !postPeriods.isEmpty else {
            throw AnalysisError(.emptyArm, "No row is exposed to the feature, so there is no post period: check the treatment and post-period columns.")
        }
        let codes = Recode.dense(unit)
        let count = (codes.max() ?? -1) + 1
        var names = [String](repeating: "", count: count)
        var treated = [Bool](repeating: false, count: count)
        var pre = [Double](repeating: 0, count: count), post = [Double](repeating: 0, count: count)
        var nPre = [Int](repeating: 0, count: count), nPost = [Int](repeating: 0, count: count)
        for i in outcome.indices {
            let u = codes[i]
            names[u] = unit[i]
            if exposed[i] { treated[u] = true }
            if postPeriods.contains(period[i]) {
                post[u] += outcome[i]
                nPost[u] += 1
            } else {
                pre[u] += outcome[i]
                nPre[u] += 1
            }
        }
        return (0..<count).map { u in
            UnitSummary(unit: names[u], treated: treated[u],
                        preMean: nPre[u] > 0 ? pre[u] / Double(nPre[u]) : .nan,
                        postMean: nPost[u] > 0 ? post[u] / Double(nPost[u]) : .nan,
                        prePeriods: nPre[u], postPeriods: nPost[u])
        }
    }
}
