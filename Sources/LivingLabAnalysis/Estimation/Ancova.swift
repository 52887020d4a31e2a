import Foundation

/// Regression adjustment for pre-period covariates (ANCOVA; CUPED when the covariate is the pre-period outcome).
public enum Ancova {
    /// Regresses the outcome on an intercept, the treatment indicator and the centred covariates; the treatment
    /// coefficient is the effect.
    ///
    /// - Parameters:
    ///   - covariates: one array per covariate, one value per unit (for example the pre-period mean outcome).
    ///   - clusters: a cluster label per unit for cluster-robust (CR1) SE; `nil` for HC2 SE.
    public static func estimate(outcomes: [Double], treated: [Bool], covariates: [[Double]],
                                clusters: [Int]? = nil, confidenceLevel: Double = 0.95) throws -> Estimate {
        try Check.sameLength(outcomes.count, treated.count, "Outcomes vs treatment indicators")
        try Check.finite(outcomes, "The outcome")
        try Estimate.checkLevel(confidenceLevel)
        for (k, column) in covariates.enumerated() {
            try Check.sameLength(column.count, outcomes.count, "Covariate \(k + 1) vs outcomes")
            try Check.finite(column, "Covariate \(k + 1)")
        }
        let nt = treated.filter { $0 }.count, nc = treated.count - nt
        guard nt > 0, nc > 0 else {
            throw AnalysisError(.emptyArm, "The \(nt == 0 ? "treated" : "control") arm has no units: check the assignment and the treatment column.")
        }
        let n = outcomes.count
        guard n > covariates.count + 2 else {
            throw AnalysisError(.invalidParameter, "\(n) units cannot support \(covariates.count) covariates plus an intercept and a treatment effect: drop covariates.")
        }
        guard Summary.variance(outcomes) > 0 else {
            throw AnalysisError(.noVariance, "The outcome has no variance: check that the outcome column is the right one.")
        }
        var columns: [[Double]] = [Array(repeating: 1, count: n), treated.map { $0 ? 1 : 0 }]
        for column in covariates {
            let m = Summary.mean(column)
            guard Summary.variance(column) > 0 else {
                throw AnalysisError(.noVariance, "A covariate has the same value for every unit and adjusts nothing: drop it.")
            }
            columns.append(column.map { $0 - m })
        }
        let fit = try LeastSquaresFit(x: Matrix(columns: columns), y: outcomes)
        var notes = Estimate.smallSampleNotes(perArm: [nt, nc])
        let variance: Matrix
        let df: Double
        var clusterCount: Int?
        if let clusters {
            try Check.sameLength(clusters.count, n, "Clusters vs outcomes")
            let codes = Recode.dense(clusters)
            let g = (codes.max() ?? -1) + 1
            guard g >= 2 else {
                throw AnalysisError(.tooFewClusters, "Cluster-robust SE needs at least two clusters (got \(g)): cluster by merchant, or drop the cluster option.")
            }
            variance = fit.clusterVariance(clusters: codes)
            df = Double(g - 1)
            clusterCount = g
            if g < 30 { notes.append("\(g) clusters: cluster-robust intervals are approximate; compare with the wild cluster bootstrap.") }
        } else {
            variance = fit.hc2Variance()
            df = Double(n - columns.count)
        }
        let se = variance[1, 1].squareRoot()
        guard se > 0, se.isFinite else {
            throw AnalysisError(.noVariance, "The residuals are all zero, so no standard error can be computed: the covariates explain the outcome exactly; check the data.")
        }
        let effect = fit.coefficients[1]
        let q = Distributions.studentTQuantile(1 - (1 - confidenceLevel) / 2, df: df)
        return Estimate(
            method: clusters == nil ? "ANCOVA / CUPED (OLS, HC2 SE)" : "ANCOVA / CUPED (OLS, cluster-robust CR1 SE)",
            estimate: effect, standardError: se, lower: effect - q * se, upper: effect + q * se,
            confidenceLevel: confidenceLevel, pValue: Distributions.twoSidedP(t: effect / se, df: df),
            units: n, clusters: clusterCount, degreesOfFreedom: df, notes: notes)
    }
}
