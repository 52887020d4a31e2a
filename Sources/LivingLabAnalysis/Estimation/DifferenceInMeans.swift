import Foundation

/// Difference in mean outcomes between treated and control units, with Neyman (unequal variances) standard error.
public enum DifferenceInMeans {
    /// Estimates ȳₜ − ȳ𝒸 with SE √(sₜ²/nₜ + s𝒸²/n𝒸) and a Welch–Satterthwaite t interval.
    public static func estimate(outcomes: [Double], treated: [Bool], confidenceLevel: Double = 0.95) throws -> Estimate {
        try Check.sameLength(outcomes.count, treated.count, "Outcomes vs treatment indicators")
        try Check.finite(outcomes, "The outcome")
        try Estimate.checkLevel(confidenceLevel)
        let t = zip(outcomes, treated).filter { $0.1 }.map(\.0)
        let c = zip(outcomes, treated).filter { !$0.1 }.map(\.0)
        guard !t.isEmpty, !c.isEmpty else {
            throw AnalysisError(.emptyArm, "The \(t.isEmpty ? "treated" : "control") arm has no units: check the assignment and the treatment column.")
        }
        guard t.count >= 2, c.count >= 2 else {
            throw AnalysisError(.emptyArm, "Each arm needs at least two units for a standard error (treated \(t.count), control \(c.count)): use randomisation inference or enrol more merchants.")
        }
        let vt = Summary.variance(t) / Double(t.count)
        let vc = Summary.variance(c) / Double(c.count)
        let se = (vt + vc).squareRoot()
        guard se > 0 else {
            throw AnalysisError(.noVariance, "The outcome does not vary within arms, so no standard error can be computed: check that the outcome column is the right one.")
        }
        let df = (vt + vc) * (vt + vc) / (vt * vt / Double(t.count - 1) + vc * vc / Double(c.count - 1))
        let effect = Summary.mean(t) - Summary.mean(c)
        let q = Distributions.studentTQuantile(1 - (1 - confidenceLevel) / 2, df: df)
        return Estimate(
            method: "difference in means (Neyman SE, Welch df)", estimate: effect, standardError: se,
            lower: effect - q * se, upper: effect + q * se, confidenceLevel: confidenceLevel,
            pValue: Distributions.twoSidedP(t: effect / se, df: df), units: outcomes.count,
            degreesOfFreedom: df, notes: Estimate.smallSampleNotes(perArm: [t.count, c.count]))
    }
}
