import Foundation

/// Settings for randomisation inference.
public struct RandomizationOptions: Sendable {
    /// Enumerate every assignment when the design has at most this many (before any balance rule).
    public var maxExactAssignments: Double = 200_000
    /// Monte Carlo draws when enumeration is too large.
    public var monteCarloDraws: Int = 10_000
    /// Seed of the Monte Carlo draws.
    public var seed: UInt64 = 1
    /// Called with the fraction of the work done.
    public var progress: ProgressHandler?

    /// Creates options with the defaults (exact up to 200,000 assignments, else 10,000 draws, seed 1).
    public init(maxExactAssignments: Double = 200_000, monteCarloDraws: Int = 10_000, seed: UInt64 = 1, progress: ProgressHandler? = nil) {
        self.maxExactAssignments = maxExactAssignments
        self.monteCarloDraws = monteCarloDraws
        self.seed = seed
        self.progress = progress
    }
}

/// The outcome of a randomisation test of the sharp null of no effect on any unit.
public struct RandomizationTest: Codable, Hashable, Sendable {
    /// The statistic on the observed assignment.
    public var observed: Double
    /// The two-sided p-value: the share of assignments with |statistic| at least as large as observed.
    public var pValue: Double
    /// Whether every assignment was enumerated (otherwise Monte Carlo).
    public var exact: Bool
    /// The number of assignments in the reference distribution (accepted ones, under a balance rule).
    public var assignments: Int
    /// The Monte Carlo standard error of the p-value (`nil` when exact).
    public var monteCarloError: Double?
}

/// Randomisation inference: the p-value comes from re-drawing the assignment the way the design drew it.
public enum RandomizationInference {
    /// Tests "no effect" with any statistic of the assignment (arm label per unit), respecting the scheme's groups
    /// and balance rule; exact when the design has few enough assignments, Monte Carlo otherwise.
    ///
    /// The statistic must be centred on zero under no effect (an effect estimate is).
    public static func test(scheme: RandomizationScheme, options: RandomizationOptions = RandomizationOptions(),
                            statistic: ([Int]) -> Double) throws -> RandomizationTest {
        let observed = statistic(scheme.observed)
        guard observed.isFinite else {
            throw AnalysisError(.noVariance, "The statistic is not finite on the observed assignment: check for an empty arm or missing outcomes.")
        }
        var values: [Double] = []
        let exact = try collect(scheme: scheme, options: options) { values.append(statistic($0)) }
        let tolerance = 1e-9 * max(1, abs(observed))
        let extreme = values.filter { abs($0) >= abs(observed) - tolerance }.count
        return result(observed: observed, extreme: extreme, total: values.count, exact: exact)
    }

    /// Randomisation test and test-inversion interval for a difference in means between two arms.
    ///
    /// The interval holds every constant effect τ that the test does not reject when τ is removed from the
    /// treated units' outcomes.
    public static func differenceInMeans(
        outcomes: [Double], scheme: RandomizationScheme, treatedArm: Int = 1, controlArm: Int = 0,
        confidenceLevel: Double = 0.95, options: RandomizationOptions = RandomizationOptions()
    ) throws -> Estimate {
        try Check.sameLength(outcomes.count, scheme.observed.count, "Outcomes vs assignment")
        try Check.finite(outcomes, "The outcome")
        try Estimate.checkLevel(confidenceLevel)
        let nt = scheme.observed.filter { $0 == treatedArm }.count
        let nc = scheme.observed.filter { $0 == controlArm }.count
        guard nt > 0, nc > 0 else {
            throw AnalysisError(.emptyArm, "The \(nt == 0 ? "treated" : "control") arm has no units: check the assignment.")
        }
        guard Summary.variance(outcomes) > 0 else {
            throw AnalysisError(.noVariance, "The outcome has no variance: every randomisation gives the same difference, so nothing can be learned.")
        }
        let w = scheme.observed.map { $0 == treatedArm ? 1.0 : 0.0 }
        let n = outcomes.count
        // Per assignment: a = DiM of Y, b = DiM of the observed indicator; DiM of Y − τW is a − τb.
        var a: [Double] = []
        var b: [Double] = []
        let exact = try collect(scheme: scheme, options: options) { labels in
            var st = 0.0, sc = 0.0, wt = 0.0, wc = 0.0
            var ct = 0, cc = 0
            for i in 0..<n {
                let l = labels[i]
                if l == treatedArm { st += outcomes[i]; wt += w[i]; ct += 1 } else if l == controlArm { sc += outcomes[i]; wc += w[i]; cc += 1 }
            }
            a.append(st / Double(ct) - sc / Double(cc))
            b.append(wt / Double(ct) - wc / Double(cc))
        }
        let observed = Summary.mean(zip(outcomes, scheme.observed).filter { $0.1 == treatedArm }.map(\.0))
            - Summary.mean(zip(outcomes, scheme.observed).filter { $0.1 == controlArm }.map(\.0))
        let total = a.count
        func extremeCount(_ tau: Double) -> Int {
            let threshold = abs(observed - tau) - 1e-9 * max(1, abs(observed))
            var count = 0
            for k in 0..<total where abs(a[k] - tau * b[k]) >= threshold { count += 1 }
            return count
        }
        func pValue(_ tau: Double) -> Double {
            let e = extremeCount(tau)
            return exact ? Double(e) / Double(total) : Double(e + 1) / Double(total + 1)
        }
        let zero = result(observed: observed, extreme: extremeCount(0), total: total, exact: exact)
        let alpha = 1 - confidenceLevel
        let spread = (a.reduce(0) { $0 + $1 * $1 } / Double(max(total, 1))).squareRoot()
        let step = max(spread, 1e-12 * max(1, abs(observed)))
        func bound(_ direction: Double) -> Double {
            var inside = observed
            var outside = observed + direction * step
            var expansions = 0
            while pValue(outside) > alpha && expansions < 60 {
                inside = outside
                outside = observed + direction * step * pow(2, Double(expansions + 1))
                expansions += 1
            }
            for _ in 0..<60 {
                let mid = 0.5 * (inside + outside)
                if pValue(mid) > alpha { inside = mid } else { outside = mid }
            }
            return 0.5 * (inside + outside)
        }
        var notes = Estimate.smallSampleNotes(perArm: [nt, nc])
        // The smallest p-value any data could give: the share of assignments tied at the largest |statistic|.
        let largest = a.reduce(0) { max($0, abs($1)) }
        let atLargest = a.filter { abs($0) >= largest - 1e-9 * max(1, largest) }.count
        let smallest = exact ? Double(atLargest) / Double(total) : 1 / Double(total + 1)
        if smallest > alpha {
            notes.append("only \(total) possible assignments: no p-value can be below \(smallest), so the \(Int((confidenceLevel * 100).rounded()))% interval is unbounded; enrol more merchants.")
        }
        notes.append(exact ? "exact: all \(total) assignments the design could produce were enumerated." : "Monte Carlo with \(total) assignments.")
        return Estimate(
            method: "randomisation inference, difference in means (\(exact ? "exact" : "Monte Carlo"), CI by test inversion)",
            estimate: observed, standardError: nil, lower: smallest > alpha ? -.infinity : bound(-1),
            upper: smallest > alpha ? .infinity : bound(1),
            confidenceLevel: confidenceLevel, pValue: zero.pValue, units: n,
            monteCarloError: zero.monteCarloError, notes: notes)
    }

    /// Randomisation inference for the two-way fixed-effects DiD on a panel.
    ///
    /// `unitIDs` gives the unit order of `scheme` (arm label per unit). A unit is exposed in the periods where any
    /// unit is exposed in `panel`, if its re-drawn arm is `treatedArm`. On a balanced panel with a common start and
    /// no extra covariates, the statistic is computed from per-unit (post − pre) means, which is exact and fast and
    /// gives a test-inversion interval; otherwise the model is refitted for each assignment.
    public static func differenceInDifferences(
        _ panel: PanelData, unitIDs: [String], scheme: RandomizationScheme, treatedArm: Int = 1,
        confidenceLevel: Double = 0.95, options: RandomizationOptions = RandomizationOptions()
    ) throws -> Estimate {
        try panel.validate()
        try Check.sameLength(unitIDs.count, scheme.observed.count, "Unit identifiers vs assignment")
        let position = Dictionary(unitIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for u in panel.unit where position[u] == nil {
            throw AnalysisError(.mismatchedLengths, "Unit \(u) is in the panel but not in the assignment: analyse only assigned units.")
        }
        if let change = panel.perUnitChange() {
            let order = change.units.map { position[$0]! }
            // Two-way FE compares the treated arm with every other unit, so other arms count as controls (label 0);
            // a balance rule needs the original labels, which it compares arm by arm.
            let labels = order.map { scheme.observed[$0] }
            var sub = RandomizationScheme(groups: order.map { scheme.groups[$0] },
                                          observed: scheme.balanceRule == nil ? labels.map { $0 == treatedArm ? 1 : 0 } : labels)
            if let rule = scheme.balanceRule {
                sub.balanceRule = BalanceRule.reordered(rule, order)
            }
            let binary = scheme.balanceRule == nil
            var estimate = try differenceInMeans(outcomes: change.change, scheme: sub, treatedArm: binary ? 1 : treatedArm,
                                                 controlArm: binary ? 0 : (treatedArm == 0 ? 1 : 0),
                                                 confidenceLevel: confidenceLevel, options: options)
            estimate.method = "randomisation inference, two-way fixed-effects DiD (\(estimate.method.contains("exact") ? "exact" : "Monte Carlo"), CI by test inversion)"
            return estimate
        }
        let postPeriods = Set(zip(panel.period, panel.exposed).filter { $0.1 }.map(\.0))
        let rowUnit = panel.unit.map { position[$0]! }
        let observedFit = try TwoWayFit(panel)
        let test = try test(scheme: scheme, options: options) { labels in
            var p = panel
            p.exposed = panel.period.indices.map { labels[rowUnit[$0]] == treatedArm && postPeriods.contains(panel.period[$0]) }
            return (try? TwoWayFit(p).effect) ?? .nan
        }
        let treatedCount = Set(zip(panel.unit, panel.exposed).filter { $0.1 }.map(\.0)).count
        var notes = Estimate.smallSampleNotes(perArm: [treatedCount, observedFit.clusterCount - treatedCount])
        notes.append("no test-inversion interval for this panel (unbalanced or with covariates): the interval shown is the cluster-robust one.")
        let df = Double(observedFit.clusterCount - 1)
        let q = Distributions.studentTQuantile(1 - (1 - confidenceLevel) / 2, df: df)
        return Estimate(
            method: "randomisation inference, two-way fixed-effects DiD (\(test.exact ? "exact" : "Monte Carlo"), refitted per assignment)",
            estimate: test.observed, standardError: observedFit.clusterStandardError,
            lower: test.observed - q * observedFit.clusterStandardError, upper: test.observed + q * observedFit.clusterStandardError,
            confidenceLevel: confidenceLevel, pValue: test.pValue, units: observedFit.clusterCount,
            clusters: observedFit.clusterCount, monteCarloError: test.monteCarloError, notes: notes)
    }

    /// Randomisation inference for a stepped-wedge trial: re-draws the wave order as the design did and refits the
    /// two-way fixed-effects model, with a unit exposed from `waveStartPeriods[wave]` on.
    ///
    /// `scheme.observed` holds each unit's wave index, aligned with `unitIDs`. The interval shown is the
    /// cluster-robust one.
    public static func steppedWedge(
        _ panel: PanelData, unitIDs: [String], scheme: RandomizationScheme, waveStartPeriods: [Int],
        confidenceLevel: Double = 0.95, options: RandomizationOptions = RandomizationOptions()
    ) throws -> Estimate {
        try panel.validate()
        try Estimate.checkLevel(confidenceLevel)
        try Check.sameLength(unitIDs.count, scheme.observed.count, "Unit identifiers vs assignment")
        guard let maxWave = scheme.observed.max(), maxWave < waveStartPeriods.count else {
            throw AnalysisError(.invalidParameter, "Give one start period per wave (\((scheme.observed.max() ?? -1) + 1) waves, \(waveStartPeriods.count) start periods).")
        }
        let position = Dictionary(unitIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let rowUnit = try panel.unit.map { u -> Int in
            guard let p = position[u] else {
                throw AnalysisError(.mismatchedLengths, "Unit \(u) is in the panel but not in the assignment: analyse only assigned units.")
            }
            return p
        }
        func exposure(_ labels: [Int]) -> [Bool] {
            panel.period.indices.map { panel.period[$0] >= waveStartPeriods[labels[rowUnit[$0]]] }
        }
        var observedPanel = panel
        observedPanel.exposed = exposure(scheme.observed)
        let observedFit = try TwoWayFit(observedPanel)
        let test = try test(scheme: scheme, options: options) { labels in
            var p = panel
            p.exposed = exposure(labels)
            return (try? TwoWayFit(p).effect) ?? .nan
        }
        let df = Double(observedFit.clusterCount - 1)
        let q = Distributions.studentTQuantile(1 - (1 - confidenceLevel) / 2, df: df)
        let se = observedFit.clusterStandardError
        var notes = observedFit.notes
        notes.append("p-value by randomisation inference over wave orders; the interval shown is the cluster-robust one.")
        return Estimate(
            method: "randomisation inference, stepped-wedge two-way fixed effects (\(test.exact ? "exact" : "Monte Carlo"))",
            estimate: test.observed, standardError: se, lower: test.observed - q * se, upper: test.observed + q * se,
            confidenceLevel: confidenceLevel, pValue: test.pValue, units: observedFit.clusterCount,
            clusters: observedFit.clusterCount, degreesOfFreedom: df, monteCarloError: test.monteCarloError, notes: notes)
    }

    /// Feeds every assignment of the reference distribution to `body`; returns whether it was exact.
    static func collect(scheme: RandomizationScheme, options: RandomizationOptions, _ body: ([Int]) -> Void) throws -> Bool {
        let count = scheme.assignmentCount
        let progress = options.progress
        if count <= options.maxExactAssignments {
            var seen = 0
            var accepted = 0
            let total = max(count, 1)
            scheme.enumerate { labels in
                seen += 1
                if scheme.balanceRule?.accepts(labels) ?? true {
                    accepted += 1
                    body(labels)
                }
                if let progress, seen % 16_384 == 0 { progress(Double(seen) / total) }
                return true
            }
            progress?(1)
            guard accepted > 0 else {
                throw AnalysisError(.infeasibleDesign, "No assignment passes the balance rule: the observed assignment was not drawn from this design; check the threshold.")
            }
            return true
        }
        guard options.monteCarloDraws >= 100 else {
            throw AnalysisError(.invalidParameter, "Monte Carlo randomisation inference needs at least 100 draws (got \(options.monteCarloDraws)); 10,000 is a good default.")
        }
        var rng = LabRandom(seed: options.seed)
        let members = scheme.members
        var accepted = 0
        var attempts = 0
        let maxAttempts = options.monteCarloDraws * 10_000
        while accepted < options.monteCarloDraws {
            attempts += 1
            if attempts > maxAttempts {
                throw AnalysisError(.infeasibleDesign, "Too few random assignments pass the balance rule: raise the rerandomisation threshold.")
            }
            let labels = scheme.drawUnfiltered(&rng, members: members)
            if let rule = scheme.balanceRule, !rule.accepts(labels) { continue }
            body(labels)
            accepted += 1
            if let progress, accepted % 1_000 == 0 { progress(Double(accepted) / Double(options.monteCarloDraws)) }
        }
        progress?(1)
        return false
    }

    static func result(observed: Double, extreme: Int, total: Int, exact: Bool) -> RandomizationTest {
        if exact {
            return RandomizationTest(observed: observed, pValue: Double(extreme) / Double(total), exact: true, assignments: total, monteCarloError: nil)
        }
        // The observed assignment is counted once, so the p-value is never zero.
        let p = Double(extreme + 1) / Double(total + 1)
        return RandomizationTest(observed: observed, pValue: p, exact: false, assignments: total,
                                 monteCarloError: (p * (1 - p) / Double(total)).squareRoot())
    }
}

extension BalanceRule {
    static func reordered(_ rule: BalanceRule, _ order: [Int]) -> BalanceRule {
        var copy = rule
        copy.values = order.map { rule.values[$0] }
        return copy
    }
}
