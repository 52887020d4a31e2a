import Foundation

/// Two-way fixed-effects difference-in-differences: unit and period effects, optional covariates and extra fixed
/// effects, inference clustered by unit.
public enum DifferenceInDifferences {
    /// Wild-cluster-bootstrap weight distributions.
    public enum BootstrapWeights: String, Codable, Sendable {
        /// ±1 with equal probability; has only 2^G distinct draws, so prefer Webb below about 12 clusters.
        case rademacher
        /// Webb's six-point distribution; better with few clusters.
        case webb
    }

    /// Estimates the effect of exposure with unit and period fixed effects and cluster-robust (CR1) SE by unit,
    /// using a t reference with G − 1 degrees of freedom.
    public static func estimate(_ panel: PanelData, confidenceLevel: Double = 0.95) throws -> Estimate {
        try Estimate.checkLevel(confidenceLevel)
        let fit = try TwoWayFit(panel)
        let se = fit.clusterStandardError
        let df = Double(fit.clusterCount - 1)
        let q = Distributions.studentTQuantile(1 - (1 - confidenceLevel) / 2, df: df)
        return Estimate(
            method: "two-way fixed-effects DiD (cluster-robust CR1 SE by unit, t with G−1 df)",
            estimate: fit.effect, standardError: se, lower: fit.effect - q * se, upper: fit.effect + q * se,
            confidenceLevel: confidenceLevel, pValue: Distributions.twoSidedP(t: fit.effect / se, df: df),
            units: fit.clusterCount, clusters: fit.clusterCount, degreesOfFreedom: df, notes: fit.notes)
    }

    /// Same model, with a symmetric percentile-t wild-cluster-bootstrap interval and p-value (unrestricted
    /// residuals, weights drawn per unit from `seed`).
    public static func wildClusterBootstrap(
        _ panel: PanelData, draws: Int = 999, weights: BootstrapWeights = .webb, seed: UInt64 = 1,
        confidenceLevel: Double = 0.95, progress: ProgressHandler? = nil
    ) throws -> Estimate {
        try Estimate.checkLevel(confidenceLevel)
        guard draws >= 99 else {
            throw AnalysisError(.invalidParameter, "The wild cluster bootstrap needs at least 99 draws (got \(draws)); 999 is a good default.")
        }
        let fit = try TwoWayFit(panel)
        let tObserved = fit.effect / fit.clusterStandardError
        var rng = LabRandom(seed: seed)
        var absT = [Double](repeating: 0, count: draws)
        let g = fit.clusterCount
        var v = [Double](repeating: 0, count: g)
        var u = [Double](repeating: 0, count: fit.n)
        for b in 0..<draws {
            for c in 0..<g { v[c] = weights == .webb ? rng.nextWebb() : rng.nextRademacher() }
            for i in 0..<fit.n { u[i] = fit.residuals[i] * v[fit.clusters[i]] }
            absT[b] = abs(fit.bootstrapT(u))
            if let progress, b % 100 == 0 { progress(Double(b) / Double(draws)) }
        }
        progress?(1)
        absT.sort()
        let exceed = absT.filter { $0 >= abs(tObserved) - 1e-12 }.count
        let p = Double(exceed + 1) / Double(draws + 1)
        let k = min(draws - 1, max(0, Int((confidenceLevel * Double(draws + 1)).rounded(.up)) - 1))
        let qStar = absT[k]
        let se = fit.clusterStandardError
        var notes = fit.notes
        if weights == .rademacher && g < 12 {
            notes.append("\(g) clusters with Rademacher weights give only \(1 << g) distinct bootstrap draws: use Webb weights.")
        }
        return Estimate(
            method: "two-way fixed-effects DiD (wild cluster bootstrap, \(weights.rawValue) weights, \(draws) draws)",
            estimate: fit.effect, standardError: se, lower: fit.effect - qStar * se, upper: fit.effect + qStar * se,
            confidenceLevel: confidenceLevel, pValue: p, units: g, clusters: g,
            monteCarloError: (p * (1 - p) / Double(draws)).squareRoot(), notes: notes)
    }
}
