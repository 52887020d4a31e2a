import Foundation

/// The within-transformed regression behind the DiD estimators.
struct TwoWayFit {
    var n: Int
    var fixedEffects: FixedEffects
    /// The within-transformed regressors, column by column (exposure first).
    var columns: [[Double]]
    var residuals: [Double]
    var bread: Matrix
    var clusters: [Int]
    var clusterCount: Int
    var effect: Double
    var clusterStandardError: Double
    var smallSampleFactor: Double
    /// z = X̃ · (row 0 of (X̃ᵀX̃)⁻¹): the influence of each row on the effect.
    var influence: [Double]
    var notes: [String]

    init(_ panel: PanelData) throws {
        try panel.validate()
        n = panel.outcome.count
        clusters = Recode.dense(panel.unit)
        clusterCount = (clusters.max() ?? -1) + 1
        guard clusterCount >= 2 else {
            throw AnalysisError(.tooFewClusters, "Difference-in-differences needs at least two units (got \(clusterCount)): add merchants to the panel.")
        }
        let exposedUnits = Set(zip(clusters, panel.exposed).filter { $0.1 }.map(\.0))
        guard !exposedUnits.isEmpty else {
            throw AnalysisError(.emptyArm, "No row is exposed to the feature: check the treatment and post-period columns.")
        }
        guard exposedUnits.count < clusterCount || Set(panel.period).count > 1 else {
            throw AnalysisError(.emptyArm, "Every unit is exposed: a comparison group is needed (control units or not-yet-treated periods).")
        }
        let periodCodes = Recode.dense(panel.period)
        let effects = FixedEffects(codes: [clusters, periodCodes] + panel.extraFixedEffects.map { Recode.dense($0) })
        fixedEffects = effects
        var demeaned = [panel.exposed.map { $0 ? 1.0 : 0.0 }] + panel.covariates
        var y = panel.outcome
        effects.demean(&y)
        for k in demeaned.indices { effects.demean(&demeaned[k]) }
        columns = demeaned
        guard Summary.variance(y) > 1e-24 else {
            throw AnalysisError(.noVariance, "The outcome has no variance left after removing unit and period effects: check the outcome column.")
        }
        let scale = demeaned[0].reduce(0) { max($0, abs($1)) }
        guard scale > 1e-10 else {
            throw AnalysisError(.noVariance, "Exposure does not vary once unit and period effects are removed: the panel needs control units (or not-yet-treated periods) and periods before and after the start.")
        }
        let xTilde = Matrix(columns: demeaned)
        let fit: LeastSquaresFit
        do {
            fit = try LeastSquaresFit(x: xTilde, y: y)
        } catch let error as AnalysisError where error.code == .collinear {
            throw AnalysisError(.collinear, "A covariate is collinear with exposure or with the fixed effects once they are removed: drop it (a shock that hits exactly the treated units in exactly the post periods cannot be separated from the effect).")
        }
        residuals = fit.residuals
        bread = fit.bread
        effect = fit.coefficients[0]
        // Unit effects are nested in the unit clusters and cost no degree of freedom; the others do.
        let extra = effects.parametersBeyondFirst
        let nd = Double(n), k = Double(xTilde.cols + extra), g = Double(clusterCount)
        smallSampleFactor = g / (g - 1) * (nd - 1) / max(nd - k, 1)
        let a0 = (0..<xTilde.cols).map { fit.bread[0, $0] }
        var z = [Double](repeating: 0, count: n)
        for (j, column) in demeaned.enumerated() { for i in 0..<n { z[i] += column[i] * a0[j] } }
        influence = z
        var scores = [Double](repeating: 0, count: clusterCount)
        for i in 0..<n { scores[clusters[i]] += z[i] * fit.residuals[i] }
        clusterStandardError = (smallSampleFactor * scores.reduce(0) { $0 + $1 * $1 }).squareRoot()
        guard clusterStandardError > 0, clusterStandardError.isFinite else {
            throw AnalysisError(.noVariance, "The residuals are all zero, so no standard error can be computed: check the data.")
        }
        let treatedUnits = exposedUnits.count
        // In a stepped-wedge panel everyone is treated eventually; the comparison is then across all units.
        notes = Estimate.smallSampleNotes(perArm: treatedUnits < clusterCount ? [treatedUnits, clusterCount - treatedUnits] : [clusterCount])
        if clusterCount < 30 {
            notes.append("\(clusterCount) clusters: cluster-robust intervals are approximate; compare with the wild cluster bootstrap and randomisation inference.")
        }
    }

    /// The bootstrap t statistic for residual draws `u` (unrestricted wild bootstrap: y* = Xβ̂ + u).
    func bootstrapT(_ u: [Double]) -> Double {
        var uTilde = u
        fixedEffects.demean(&uTilde)
        let p = columns.count
        // X̃ᵀu = X̃ᵀũ because X̃ is already orthogonal to the fixed effects.
        var xu = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var s = 0.0
            columns[j].withUnsafeBufferPointer { x in for i in 0..<n { s += x[i] * u[i] } }
            xu[j] = s
        }
        var delta = [Double](repeating: 0, count: p)
        for a in 0..<p { for b in 0..<p { delta[a] += bread[a, b] * xu[b] } }
        for j in 0..<p {
            let d = delta[j]
            columns[j].withUnsafeBufferPointer { x in for i in 0..<n { uTilde[i] -= x[i] * d } }
        }
        var scores = [Double](repeating: 0, count: clusterCount)
        for i in 0..<n { scores[clusters[i]] += influence[i] * uTilde[i] }
        var total = 0.0
        for s in scores { total += s * s }
        let se = (smallSampleFactor * total).squareRoot()
        return se > 0 ? delta[0] / se : 0
    }
}
