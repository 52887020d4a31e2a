import Foundation

/// What is known about a trial before it starts, for power and minimum-detectable-effect calculations.
public struct PowerInputs: Codable, Hashable, Sendable {
    /// Units (merchants) in the treated arm.
    public var treatedUnits: Int
    /// Units in the control arm.
    public var controlUnits: Int
    /// The standard deviation of the outcome across units (of one period's value, for a panel).
    public var outcomeSD: Double
    /// ANCOVA / CUPED: the correlation between the outcome and its pre-period covariate (0 for none).
    public var preCorrelation: Double
    /// Panel: the number of pre-periods (0 when the analysis compares post-period means only).
    public var periodsPre: Int
    /// Panel: the number of post-periods (1 for a single measurement).
    public var periodsPost: Int
    /// Panel: the share of outcome variance that is a stable merchant level (intra-class correlation).
    public var icc: Double
    /// The two-sided significance level.
    public var alpha: Double
    /// The target power.
    public var power: Double

    /// Creates inputs; by default a single measurement per unit, α = 0.05 and 80% power.
    public init(treatedUnits: Int, controlUnits: Int, outcomeSD: Double, preCorrelation: Double = 0,
                periodsPre: Int = 0, periodsPost: Int = 1, icc: Double = 0, alpha: Double = 0.05, power: Double = 0.8) {
        self.treatedUnits = treatedUnits
        self.controlUnits = controlUnits
        self.outcomeSD = outcomeSD
        self.preCorrelation = preCorrelation
        self.periodsPre = periodsPre
        self.periodsPost = periodsPost
        self.icc = icc
        self.alpha = alpha
        self.power = power
    }
}

/// The minimum detectable effect of a design and the quantities behind it.
public struct PowerResult: Codable, Hashable, Sendable {
    /// The smallest true effect detected with the target power at level α (two-sided).
    public var minimumDetectableEffect: Double
    /// The anticipated standard error of the effect estimate.
    public var standardError: Double
    /// Degrees of freedom of the t reference.
    public var degreesOfFreedom: Double
    /// How the standard error was derived.
    public var method: String
    /// Notes for the reader.
    public var notes: [String]
}

/// Power and minimum detectable effect before a trial, from the anticipated standard error.
///
/// Per-unit variance: σ² for one measurement; σ²(1 − ρ²) with a pre-period covariate of correlation ρ; for a
/// panel, σ²(1 − ICC)(1/T_pre + 1/T_post) for DiD (the stable merchant level cancels) or σ²(ICC + (1 − ICC)/T_post)
/// for post-period means. SE = √(v/nₜ + v/n𝒸), MDE = (t₁₋α/₂ + t_power) · SE with nₜ + n𝒸 − 2 df.
public enum PowerAnalysis {
    /// The minimum detectable effect for the inputs.
    public static func minimumDetectableEffect(_ inputs: PowerInputs) throws -> PowerResult {
        let (se, df, method) = try standardError(inputs)
        let mde = (Distributions.studentTQuantile(1 - inputs.alpha / 2, df: df)
            + Distributions.studentTQuantile(inputs.power, df: df)) * se
        var notes: [String] = []
        let smallest = min(inputs.treatedUnits, inputs.controlUnits)
        if smallest < 10 {
            notes.append("only \(smallest) merchants in the smallest arm: only large effects can be detected; consider a longer pre-period, more merchants or a stepped-wedge design.")
        }
        return PowerResult(minimumDetectableEffect: mde, standardError: se, degreesOfFreedom: df, method: method, notes: notes)
    }

    /// The probability of rejecting "no effect" at level α when the true effect is `effect`.
    public static func power(effect: Double, _ inputs: PowerInputs) throws -> Double {
        let (se, df, _) = try standardError(inputs)
        let crit = Distributions.studentTQuantile(1 - inputs.alpha / 2, df: df)
        let shift = effect / se
        return 1 - Distributions.studentTCDF(crit - shift, df: df) + Distributions.studentTCDF(-crit - shift, df: df)
    }

    /// The smallest number of units per arm (equal arms) whose MDE is at most `effect`; `nil` beyond `limit`.
    public static func unitsPerArm(toDetect effect: Double, _ inputs: PowerInputs, limit: Int = 100_000) throws -> Int? {
        guard effect > 0 else {
            throw AnalysisError(.invalidParameter, "The effect to detect must be positive (got \(effect)).")
        }
        var probe = inputs
        var n = 2
        while n <= limit {
            probe.treatedUnits = n
            probe.controlUnits = n
            if try minimumDetectableEffect(probe).minimumDetectableEffect <= effect { return n }
            n += n < 50 ? 1 : max(1, n / 20)
        }
        return nil
    }

    static func standardError(_ inputs: PowerInputs) throws -> (Double, Double, String) {
        guard inputs.treatedUnits >= 2, inputs.controlUnits >= 2 else {
            throw AnalysisError(.emptyArm, "Each arm needs at least two merchants for a power calculation (treated \(inputs.treatedUnits), control \(inputs.controlUnits)).")
        }
        guard inputs.outcomeSD > 0, inputs.outcomeSD.isFinite else {
            throw AnalysisError(.noVariance, "The outcome SD must be positive: estimate it from a baseline period (for example last quarter's weekly orders).")
        }
        guard inputs.alpha > 0, inputs.alpha < 1, inputs.power > 0, inputs.power < 1 else {
            throw AnalysisError(.invalidParameter, "alpha and power must be between 0 and 1 (got \(inputs.alpha), \(inputs.power)).")
        }
        guard abs(inputs.preCorrelation) < 1, inputs.icc >= 0, inputs.icc <= 1, inputs.periodsPre >= 0, inputs.periodsPost >= 1 else {
            throw AnalysisError(.invalidParameter, "The pre-period correlation must be in (−1, 1), the ICC in [0, 1], pre-periods ≥ 0 and post-periods ≥ 1.")
        }
        let s2 = inputs.outcomeSD * inputs.outcomeSD
        var v: Double
        var method: String
        if inputs.periodsPre > 0 {
            v = s2 * (1 - inputs.icc) * (1 / Double(inputs.periodsPre) + 1 / Double(inputs.periodsPost))
            method = "difference-in-differences on \(inputs.periodsPre) pre and \(inputs.periodsPost) post periods (ICC \(inputs.icc))"
        } else {
            v = s2 * (inputs.icc + (1 - inputs.icc) / Double(inputs.periodsPost))
            method = inputs.periodsPost > 1 ? "difference in means of \(inputs.periodsPost) post-period means (ICC \(inputs.icc))" : "difference in means"
        }
        if inputs.preCorrelation != 0 {
            v *= 1 - inputs.preCorrelation * inputs.preCorrelation
            method += ", ANCOVA with pre-period correlation \(inputs.preCorrelation)"
        }
        let se = (v / Double(inputs.treatedUnits) + v / Double(inputs.controlUnits)).squareRoot()
        return (se, Double(inputs.treatedUnits + inputs.controlUnits - 2), method)
    }
}
