import Foundation

/// The rerandomisation acceptance rule: the Mahalanobis distance between arm means of numeric covariates.
///
/// M = (x̄ₜ − x̄𝒸)ᵀ [S (1/nₜ + 1/n𝒸)]⁻¹ (x̄ₜ − x̄𝒸), with S the covariance of the covariates over all units; with
/// more than two arms, the largest M of any arm against arm 0. Randomisation inference applies the same rule.
public struct BalanceRule: Codable, Hashable, Sendable {
    /// Covariate values, one row per unit.
    var values: [[Double]]
    /// The inverse covariance matrix of the covariates.
    var inverseCovariance: [[Double]]
    /// The largest accepted statistic.
    public var threshold: Double

    /// Builds the rule from units' numeric covariates.
    public init(units: [ExperimentUnit], covariates: [String], threshold: Double) throws {
        guard !covariates.isEmpty else {
            throw AnalysisError(.invalidParameter, "A balance rule needs at least one numeric covariate: name one (for example the baseline level).")
        }
        let rows = try units.map { u in try covariates.map { try u.number($0) } }
        try self.init(values: rows, threshold: threshold)
    }

    /// Builds the rule from a matrix of covariate values (one row per unit).
    public init(values: [[Double]], threshold: Double) throws {
        self.values = values
        self.threshold = threshold
        let cov = Covariance.matrix(values)
        guard let inverse = Covariance.inverse(cov) else {
            throw AnalysisError(.noVariance, "A balance covariate has no variance or is collinear with another: drop it from the design.")
        }
        inverseCovariance = inverse
    }

    /// The balance statistic of an assignment (arm index per unit).
    public func statistic(_ labels: [Int]) -> Double {
        let k = inverseCovariance.count
        let armCount = (labels.max() ?? 0) + 1
        var sums = Array(repeating: [Double](repeating: 0, count: k), count: armCount)
        var counts = [Int](repeating: 0, count: armCount)
        for (i, a) in labels.enumerated() {
            counts[a] += 1
            for j in 0..<k { sums[a][j] += values[i][j] }
        }
        var worst = 0.0
        for a in 1..<max(armCount, 1) where counts[a] > 0 && counts[0] > 0 {
            let scale = 1 / Double(counts[a]) + 1 / Double(counts[0])
            var d = [Double](repeating: 0, count: k)
            for j in 0..<k { d[j] = sums[a][j] / Double(counts[a]) - sums[0][j] / Double(counts[0]) }
            var m = 0.0
            for i in 0..<k {
                for j in 0..<k { m += d[i] * inverseCovariance[i][j] * d[j] }
            }
            worst = max(worst, m / scale)
        }
        return worst
    }

    /// Whether an assignment passes the rule.
    public func accepts(_ labels: [Int]) -> Bool { statistic(labels) <= threshold }
}
