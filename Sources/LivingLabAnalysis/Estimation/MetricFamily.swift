import Foundation

/// Which direction of a metric is good for merchants.
public enum MetricDirection: String, Codable, Hashable, Sendable {
    /// More is better (orders, revenue).
    case increaseIsGood
    /// Less is better (no-shows, complaints, waiting time).
    case decreaseIsGood
}

/// The role of a metric in a protocol.
public enum MetricRole: String, Codable, Hashable, Sendable {
    /// The one metric the trial is powered for; not adjusted.
    case primary
    /// Other outcomes of interest; Holm-adjusted together.
    case secondary
    /// Metrics that must not get worse; flagged when harmed.
    case guardrail
}

/// How a guardrail metric fared.
public enum GuardrailStatus: String, Codable, Hashable, Sendable {
    /// The interval rules out harm beyond the tolerated margin.
    case ok
    /// The whole interval lies on the harmful side of zero: the feature makes this metric worse.
    case harmed
    /// Harm beyond the margin cannot be ruled out: the interval reaches past it.
    case inconclusive
}

/// One metric's estimate, as given to `MetricFamily.evaluate`.
public struct MetricInput: Codable, Hashable, Sendable {
    /// The metric's name.
    public var name: String
    /// Its role in the protocol.
    public var role: MetricRole
    /// Which direction is good.
    public var direction: MetricDirection
    /// Its effect estimate.
    public var estimate: Estimate
    /// For a guardrail, the harm tolerated before it counts (in the metric's units, ≥ 0).
    public var harmMargin: Double

    /// Creates a metric input.
    public init(name: String, role: MetricRole, direction: MetricDirection = .increaseIsGood, estimate: Estimate, harmMargin: Double = 0) {
        self.name = name
        self.role = role
        self.direction = direction
        self.estimate = estimate
        self.harmMargin = harmMargin
    }
}

/// One metric's result after multiplicity adjustment and guardrail checks.
public struct MetricResult: Codable, Hashable, Sendable {
    /// The input it came from.
    public var input: MetricInput
    /// The Holm-adjusted p-value (secondary metrics only).
    public var adjustedPValue: Double?
    /// The guardrail status (guardrail metrics only).
    public var guardrail: GuardrailStatus?
}

/// Primary, secondary (Holm-adjusted) and guardrail metrics of one trial.
public enum MetricFamily {
    /// Holm step-down adjusted p-values, in input order.
    public static func holm(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[i]))
            adjusted[i] = running
        }
        return adjusted
    }

    /// The guardrail status of an estimate, given which direction is good and the tolerated harm.
    public static func guardrailStatus(_ estimate: Estimate, direction: MetricDirection, harmMargin: Double = 0) -> GuardrailStatus {
        // Express the interval on a scale where negative is harmful.
        let (lo, hi) = direction == .increaseIsGood ? (estimate.lower, estimate.upper) : (-estimate.upper, -estimate.lower)
        if hi < 0 { return .harmed }
        if lo < -abs(harmMargin) { return .inconclusive }
        return .ok
    }

    /// Adjusts secondary metrics together (Holm) and checks every guardrail.
    public static func evaluate(_ metrics: [MetricInput]) -> [MetricResult] {
        let secondary = metrics.indices.filter { metrics[$0].role == .secondary }
        let adjusted = holm(secondary.map { metrics[$0].estimate.pValue })
        var results = metrics.map { MetricResult(input: $0, adjustedPValue: nil, guardrail: nil) }
        for (k, i) in secondary.enumerated() { results[i].adjustedPValue = adjusted[k] }
        for i in metrics.indices where metrics[i].role == .guardrail {
            results[i].guardrail = guardrailStatus(metrics[i].estimate, direction: metrics[i].direction, harmMargin: metrics[i].harmMargin)
        }
        return results
    }
}
