import Foundation

/// Unit × period outcomes for difference-in-differences: one row per unit-period observation.
public struct PanelData: Sendable {
    /// The unit (merchant) of each row; also the cluster for inference.
    public var unit: [String]
    /// The period (for example the week number) of each row.
    public var period: [Int]
    /// The outcome of each row.
    public var outcome: [Double]
    /// Whether the unit has the feature in that period (treated unit and post period, or its wave has started).
    public var exposed: [Bool]
    /// Extra time-varying covariates, one array per covariate (for example a shock indicator per unit-period).
    public var covariates: [[Double]]
    /// Names of the extra covariates, for reports.
    public var covariateNames: [String]
    /// Extra fixed effects, one label array per factor (for example segment × period labels to absorb a shock).
    public var extraFixedEffects: [[String]]

    /// Creates a panel from an exposure indicator per row (stepped-wedge or staggered designs).
    public init(unit: [String], period: [Int], outcome: [Double], exposed: [Bool],
                covariates: [[Double]] = [], covariateNames: [String] = [], extraFixedEffects: [[String]] = []) {
        self.unit = unit
        self.period = period
        self.outcome = outcome
        self.exposed = exposed
        self.covariates = covariates
        self.covariateNames = covariateNames.count == covariates.count ? covariateNames : covariates.indices.map { "covariate \($0 + 1)" }
        self.extraFixedEffects = extraFixedEffects
    }

    /// Creates a panel from a treated-unit flag and a post-period flag per row: exposure is their conjunction.
    public init(unit: [String], period: [Int], outcome: [Double], treatedUnit: [Bool], post: [Bool],
                covariates: [[Double]] = [], covariateNames: [String] = [], extraFixedEffects: [[String]] = []) {
        self.init(unit: unit, period: period, outcome: outcome, exposed: zip(treatedUnit, post).map { $0 && $1 },
                  covariates: covariates, covariateNames: covariateNames, extraFixedEffects: extraFixedEffects)
    }

    func validate() throws {
        let n = outcome.count
        try Check.sameLength(unit.count, n, "Unit column vs outcomes")
        try Check.sameLength(period.count, n, "Period column vs outcomes")
        try Check.sameLength(exposed.count, n, "Exposure column vs outcomes")
        try Check.finite(outcome, "The outcome")
        for (k, c) in covariates.enumerated() {
            try Check.sameLength(c.count, n, "Covariate \(covariateNames[k]) vs outcomes")
            try Check.finite(c, "Covariate \(covariateNames[k])")
        }
        for f in extraFixedEffects { try Check.sameLength(f.count, n, "Extra fixed effect vs outcomes") }
    }

    /// Per-unit (mean over exposed-period rows − mean over other rows) when the panel is balanced and every
    /// treated unit switches on in the same periods; `nil` otherwise. For such panels without extra covariates
    /// or fixed effects, the two-way fixed-effects estimate equals the difference between arms of these values.
    func perUnitChange() -> (units: [String], change: [Double], treated: [Bool])? {
        guard covariates.isEmpty, extraFixedEffects.isEmpty else { return nil }
        let unitCodes = Recode.dense(unit)
        let periodCodes = Recode.dense(period)
        let u = (unitCodes.max() ?? -1) + 1, t = (periodCodes.max() ?? -1) + 1
        guard u * t == outcome.count else { return nil }
        var seen = [Bool](repeating: false, count: u * t)
        var postPeriods = [Bool](repeating: false, count: t)
        var treatedUnits = [Bool](repeating: false, count: u)
        for i in outcome.indices where exposed[i] {
            postPeriods[periodCodes[i]] = true
            treatedUnits[unitCodes[i]] = true
        }
        for i in outcome.indices {
            let k = unitCodes[i] * t + periodCodes[i]
            if seen[k] { return nil }
            seen[k] = true
            // Exposure must be exactly treated-unit × post-period.
            if exposed[i] != (treatedUnits[unitCodes[i]] && postPeriods[periodCodes[i]]) { return nil }
        }
        let nPost = postPeriods.filter { $0 }.count
        guard nPost > 0, nPost < t else { return nil }
        var post = [Double](repeating: 0, count: u), pre = [Double](repeating: 0, count: u)
        for i in outcome.indices {
            if postPeriods[periodCodes[i]] { post[unitCodes[i]] += outcome[i] } else { pre[unitCodes[i]] += outcome[i] }
        }
        var names = [String](repeating: "", count: u)
        for i in outcome.indices { names[unitCodes[i]] = unit[i] }
        let change = (0..<u).map { post[$0] / Double(nPost) - pre[$0] / Double(t - nPost) }
        return (names, change, treatedUnits)
    }
}
