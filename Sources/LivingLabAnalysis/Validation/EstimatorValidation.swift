import Foundation

/// How an estimator performed over many simulated trials with a known truth.
public struct EstimatorPerformance: Codable, Hashable, Sendable {
    /// The estimator's name.
    public var estimator: String
    /// Trials in which the estimator produced an estimate.
    public var trials: Int
    /// Trials in which it threw (degenerate data).
    public var failures: Int
    /// The share of intervals that contain the truth.
    public var coverage: Double
    /// The mean of (estimate − truth).
    public var meanBias: Double
    /// The root mean squared error.
    public var rmse: Double
    /// The share of trials with p < 0.05.
    public var rejectionRate: Double
    /// The mean interval width.
    public var meanIntervalWidth: Double
    /// The sampling error of `coverage` around 95% for this many trials: √(0.95 · 0.05 / trials).
    public var coverageStandardError: Double
}

/// The outcome of a validation run: estimators with a planted effect, and under no effect.
public struct ValidationReport: Codable, Hashable, Sendable {
    /// Performance with the configured planted effect.
    public var withEffect: [EstimatorPerformance]
    /// Performance with the effect set to zero (rejection rate is the size of the test).
    public var noEffect: [EstimatorPerformance]
    /// Under no effect: the share of randomisation-inference p-values ≤ 0.05.
    public var nullPValuesBelow05: Double
    /// Under no effect: the share of randomisation-inference p-values ≤ 0.10.
    public var nullPValuesBelow10: Double
    /// Under no effect: the Kolmogorov–Smirnov distance between randomisation-inference p-values and uniform.
    public var nullKolmogorovSmirnov: Double
    /// The mean planted effect (sample average over merchants and post weeks) across trials.
    public var meanTrueEffect: Double
}

/// Settings for a validation run.
public struct ValidationConfiguration: Sendable {
    /// Simulated trials per scenario.
    public var trials: Int = 200
    /// The street each trial is drawn from (a fresh street per trial).
    public var street: StreetModel.Configuration = StreetModel.Configuration()
    /// The assignment design.
    public var design: DesignSpec = .complete()
    /// Monte Carlo draws of randomisation inference per trial.
    public var randomizationDraws: Int = 1_000
    /// Wild-cluster-bootstrap draws per trial.
    public var bootstrapDraws: Int = 199
    /// The interval level.
    public var confidenceLevel: Double = 0.95
    /// The run's seed.
    public var seed: UInt64 = 2026

    /// Creates the default configuration (200 trials on the default street, complete randomisation).
    public init() {}
}

/// Runs simulated trials with a known effect and measures each estimator's coverage, bias and rejection rate.
public enum EstimatorValidation {
    /// Estimator names, in report order.
    public static let estimators = [
        "naive post-period difference in means",
        "ANCOVA on pre-period mean",
        "two-way FE DiD, cluster-robust",
        "two-way FE DiD, wild cluster bootstrap",
        "randomisation inference, DiD",
    ]

    /// Runs `configuration.trials` trials with the planted effect and as many with no effect.
    public static func run(_ configuration: ValidationConfiguration, progress: ProgressHandler? = nil) throws -> ValidationReport {
        guard configuration.trials >= 1 else {
            throw AnalysisError(.invalidParameter, "A validation run needs at least one trial.")
        }
        var nullConfiguration = configuration
        nullConfiguration.street.effect.size = 0
        nullConfiguration.street.effect.perMaturityLevel = 0
        let half: ProgressHandler? = progress.map { p in { @Sendable f in p(f / 2) } }
        let second: ProgressHandler? = progress.map { p in { @Sendable f in p(0.5 + f / 2) } }
        let effect = try scenario(configuration, stream: 1, progress: half)
        let null = try scenario(nullConfiguration, stream: 2, progress: second)
        let p = null.riPValues.sorted()
        var ks = 0.0
        for (i, value) in p.enumerated() {
            ks = max(ks, abs(Double(i + 1) / Double(p.count) - value), abs(value - Double(i) / Double(p.count)))
        }
        return ValidationReport(
            withEffect: effect.performance, noEffect: null.performance,
            nullPValuesBelow05: Double(p.filter { $0 <= 0.05 }.count) / Double(max(p.count, 1)),
            nullPValuesBelow10: Double(p.filter { $0 <= 0.10 }.count) / Double(max(p.count, 1)),
            nullKolmogorovSmirnov: ks, meanTrueEffect: effect.meanTruth)
    }

    struct Scenario {
        var performance: [EstimatorPerformance]
        var riPValues: [Double]
        var meanTruth: Double
    }

    static func scenario(_ c: ValidationConfiguration, stream: UInt64, progress: ProgressHandler?) throws -> Scenario {
        var records = Array(repeating: [(estimate: Estimate, truth: Double)](), count: estimators.count)
        var failures = [Int](repeating: 0, count: estimators.count)
        var riPValues: [Double] = []
        var truthTotal = 0.0
        for trial in 0..<c.trials {
            var seeder = LabRandom(seed: c.seed, stream: stream &* 1_000_003 &+ UInt64(trial))
            let trialSeed = seeder.next()
            let street = try StreetModel(configuration: c.street, seed: trialSeed)
            let units = street.units
            let assignment = try Assignment.draw(units: units, design: c.design, seed: trialSeed &+ 1)
            let treated = assignment.treated
            let panel = try street.observe(treated: treated, seed: trialSeed &+ 2)
            let truth = street.averageTrueEffect
            truthTotal += truth
            let (pre, post) = prePostMeans(panel, merchants: street.merchants.count, weeks: c.street.weeks, start: c.street.effect.startWeek)
            let scheme = try assignment.scheme(units: units)
            let options = RandomizationOptions(monteCarloDraws: c.randomizationDraws, seed: trialSeed &+ 3)
            let attempts: [() throws -> Estimate] = [
                { try DifferenceInMeans.estimate(outcomes: post, treated: treated, confidenceLevel: c.confidenceLevel) },
                { try Ancova.estimate(outcomes: post, treated: treated, covariates: [pre], confidenceLevel: c.confidenceLevel) },
                { try DifferenceInDifferences.estimate(panel, confidenceLevel: c.confidenceLevel) },
                { try DifferenceInDifferences.wildClusterBootstrap(panel, draws: c.bootstrapDraws, seed: trialSeed &+ 4, confidenceLevel: c.confidenceLevel) },
                { try RandomizationInference.differenceInDifferences(panel, unitIDs: assignment.unitIDs, scheme: scheme, confidenceLevel: c.confidenceLevel, options: options) },
            ]
            for (k, attempt) in attempts.enumerated() {
                do {
                    let e = try attempt()
                    records[k].append((e, truth))
                    if k == 4 { riPValues.append(e.pValue) }
                } catch {
                    failures[k] += 1
                }
            }
            progress?(Double(trial + 1) / Double(c.trials))
        }
        let performance = estimators.indices.map { k -> EstimatorPerformance in
            let r = records[k]
            let n = Double(max(r.count, 1))
            return EstimatorPerformance(
                estimator: estimators[k], trials: r.count, failures: failures[k],
                coverage: Double(r.filter { $0.estimate.covers($0.truth) }.count) / n,
                meanBias: r.reduce(0) { $0 + $1.estimate.estimate - $1.truth } / n,
                rmse: (r.reduce(0) { $0 + pow($1.estimate.estimate - $1.truth, 2) } / n).squareRoot(),
                rejectionRate: Double(r.filter { $0.estimate.pValue < 0.05 }.count) / n,
                meanIntervalWidth: r.reduce(0) { $0 + $1.estimate.upper - $1.estimate.lower } / n,
                coverageStandardError: (0.95 * 0.05 / n).squareRoot())
        }
        return Scenario(performance: performance, riPValues: riPValues, meanTruth: truthTotal / Double(c.trials))
    }

    /// Per-merchant means before and from the start week, from a balanced street panel (merchant-major rows).
    static func prePostMeans(_ panel: PanelData, merchants: Int, weeks: Int, start: Int) -> ([Double], [Double]) {
        var pre = [Double](repeating: 0, count: merchants), post = [Double](repeating: 0, count: merchants)
        for m in 0..<merchants {
            for w in 0..<weeks {
                let y = panel.outcome[m * weeks + w]
                if w < start { pre[m] += y / Double(start) } else { post[m] += y / Double(weeks - start) }
            }
        }
        return (pre, post)
    }
}
