import Foundation

/// Reports progress of long work as a fraction in [0, 1], for the CLI's progress line.
public typealias ProgressHandler = @Sendable (Double) -> Void

/// An effect estimate with its uncertainty, the method that produced it and honest notes about its limits.
public struct Estimate: Codable, Hashable, Sendable {
    /// The method, for example "difference in means (Neyman SE, Welch df)".
    public var method: String
    /// The point estimate of the effect (treated minus control).
    public var estimate: Double
    /// The standard error, when the method has one (randomisation inference has none).
    public var standardError: Double?
    /// The lower bound of the confidence interval (−∞ when the data cannot exclude any effect; encode JSON with a
    /// non-conforming float strategy).
    public var lower: Double
    /// The upper bound of the confidence interval.
    public var upper: Double
    /// The confidence level of the interval, for example 0.95.
    public var confidenceLevel: Double
    /// The two-sided p-value for "no effect".
    public var pValue: Double
    /// The number of units (merchants) analysed.
    public var units: Int
    /// The number of clusters, when inference is clustered.
    public var clusters: Int?
    /// Degrees of freedom of the reference t distribution, when one is used.
    public var degreesOfFreedom: Double?
    /// The Monte Carlo standard error of the p-value, when the p-value is simulated.
    public var monteCarloError: Double?
    /// Warnings and notes for the reader (small samples, approximations).
    public var notes: [String]

    /// Creates an estimate.
    public init(method: String, estimate: Double, standardError: Double?, lower: Double, upper: Double,
                confidenceLevel: Double, pValue: Double, units: Int, clusters: Int? = nil,
                degreesOfFreedom: Double? = nil, monteCarloError: Double? = nil, notes: [String] = []) {
        self.method = method
        self.estimate = estimate
        self.standardError = standardError
        self.lower = lower
        self.upper = upper
        self.confidenceLevel = confidenceLevel
        self.pValue = pValue
        self.units = units
        self.clusters = clusters
        self.degreesOfFreedom = degreesOfFreedom
        self.monteCarloError = monteCarloError
        self.notes = notes
    }

    /// Whether the interval contains `value`.
    public func covers(_ value: Double) -> Bool { lower <= value && value <= upper }

    static func smallSampleNotes(perArm counts: [Int], unitName: String = "merchants") -> [String] {
        guard let smallest = counts.min() else { return [] }
        if smallest < 10 {
            return ["only \(smallest) \(unitName) in the smallest arm: intervals are approximate; prefer randomisation inference and read the minimum detectable effect."]
        }
        if smallest < 30 {
            return ["\(smallest) \(unitName) in the smallest arm: t-based intervals are used; randomisation inference is a useful check."]
        }
        return []
    }

    static func checkLevel(_ level: Double) throws {
        guard level > 0 && level < 1 else {
            throw AnalysisError(.invalidParameter, "The confidence level must be between 0 and 1 (got \(level)), for example 0.95.")
        }
    }
}

extension Estimate {
    /// The effect this analysis could have detected with the given power at its own level, from its standard error:
    /// (t₁₋α/₂ + t_power) · SE. `nil` when the method has no standard error (randomisation inference).
    ///
    /// Reports show it next to the estimate so a non-significant result on few merchants reads as "could not
    /// detect less than X", not as "no effect".
    public func minimumDetectableEffect(power: Double = 0.8) -> Double? {
        guard let se = standardError, power > 0, power < 1 else { return nil }
        let df = degreesOfFreedom ?? .infinity
        return (Distributions.studentTQuantile(1 - (1 - confidenceLevel) / 2, df: df)
            + Distributions.studentTQuantile(power, df: df)) * se
    }
}

extension Estimate: CustomStringConvertible {
    /// One line for a terminal: effect, interval, p-value, method and counts.
    public var description: String {
        func f(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : (x > 0 ? "+∞" : "−∞") }
        var line = "effect \(f(estimate))"
        if let standardError { line += " (SE \(f(standardError)))" }
        line += ", \(Int((confidenceLevel * 100).rounded()))% CI [\(f(lower)), \(f(upper))], p = \(f(pValue))"
        if let monteCarloError { line += " ± \(f(monteCarloError))" }
        line += "; \(method); \(units) units"
        if let clusters { line += ", \(clusters) clusters" }
        return line
    }
}
