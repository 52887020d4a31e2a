import Foundation

/// A synthetic shopping street with a planted truth: merchants, cycles, a shock and a treatment effect.
///
/// A pure, seeded data generator: it yields each merchant's expected weekly demand (customers who would order or
/// book) with and without the feature. The simulator turns that into plugin requests; validation draws outcomes
/// from it directly.
public struct StreetModel: Codable, Hashable, Sendable {
    /// A dated shock that depresses demand on some street segments (for example tram works).
    public struct Shock: Codable, Hashable, Sendable {
        /// The affected street segments.
        public var segments: [String]
        /// The affected weeks (0-based).
        public var weeks: [Int]
        /// The share of demand lost while the shock lasts (0.3 = 30% fewer customers).
        public var depth: Double

        /// Creates a shock.
        public init(segments: [String], weeks: [Int], depth: Double) {
            self.segments = segments
            self.weeks = weeks
            self.depth = depth
        }
    }

    /// How the feature changes demand.
    public struct PlantedEffect: Codable, Hashable, Sendable {
        /// How the effect combines with demand.
        public enum Kind: String, Codable, Hashable, Sendable {
            /// Customers per week added to expected demand.
            case additive
            /// Relative lift of expected demand (0.1 = +10%).
            case multiplicative
        }

        /// Additive or multiplicative.
        public var kind: Kind
        /// The effect at maturity 2 (customers per week, or relative lift).
        public var size: Double
        /// The change in effect per maturity level above 2 (heterogeneity: more mature merchants use it better).
        public var perMaturityLevel: Double
        /// The first week (0-based) in which treated merchants have the feature.
        public var startWeek: Int

        /// Creates a planted effect.
        public init(kind: Kind = .additive, size: Double, perMaturityLevel: Double = 0, startWeek: Int) {
            self.kind = kind
            self.size = size
            self.perMaturityLevel = perMaturityLevel
            self.startWeek = startWeek
        }
    }

    /// The street's parameters.
    public struct Configuration: Codable, Hashable, Sendable {
        /// Number of merchants.
        public var merchants: Int = 40
        /// Number of weeks simulated.
        public var weeks: Int = 12
        /// Sectors, drawn uniformly.
        public var sectors: [String] = ["bakery", "grocery", "fashion", "restaurant", "services"]
        /// Street segments, drawn uniformly.
        public var segments: [String] = ["north", "centre", "south"]
        /// Median weekly demand of a merchant.
        public var baselineMedian: Double = 60
        /// Log-scale SD of merchant baseline levels (0.5 ≈ a factor 1.6 between typical merchants).
        public var baselineSpread: Double = 0.5
        /// Log-scale SD of merchant-week fluctuations around the merchant's level.
        public var weeklyNoise: Double = 0.15
        /// Relative amplitude of the yearly seasonal cycle.
        public var seasonalAmplitude: Double = 0.15
        /// Week of the year of week 0, placing the trial in the seasonal cycle.
        public var firstWeekOfYear: Int = 10
        /// Relative demand per weekday (Monday first), used to spread a week's demand over days.
        public var dayOfWeekProfile: [Double] = [0.8, 0.9, 1.0, 1.0, 1.2, 1.5, 0.6]
        /// An optional shock.
        public var shock: Shock?
        /// The planted effect of the feature.
        public var effect: PlantedEffect = PlantedEffect(size: 5, perMaturityLevel: 1, startWeek: 6)

        /// Creates the default configuration: 40 merchants, 12 weeks, +5 customers/week from week 6.
        public init() {}
    }

    /// One synthetic merchant.
    public struct Merchant: Codable, Hashable, Sendable {
        /// Identifier ("m01" …).
        public var id: String
        /// Trade sector.
        public var sector: String
        /// Street segment.
        public var segment: String
        /// Digital maturity, 0–4.
        public var maturity: Int
        /// Typical weekly demand without feature or shock.
        public var baseline: Double
    }

    /// The configuration the street was built from.
    public var configuration: Configuration
    /// The seed the street was built from.
    public var seed: UInt64
    /// The merchants.
    public var merchants: [Merchant]
    /// Merchant-week multiplicative noise, exp(N(0, weeklyNoise²)), indexed [merchant][week].
    var noise: [[Double]]

    /// Builds a street from a configuration and a seed.
    public init(configuration: Configuration = Configuration(), seed: UInt64) throws {
        let c = configuration
        guard c.merchants >= 2, c.weeks >= 1, !c.sectors.isEmpty, !c.segments.isEmpty, c.baselineMedian > 0 else {
            throw AnalysisError(.invalidParameter, "A street needs at least two merchants, one week, one sector, one segment and a positive baseline.")
        }
        guard c.dayOfWeekProfile.count == 7, c.dayOfWeekProfile.allSatisfy({ $0 >= 0 }), c.dayOfWeekProfile.reduce(0, +) > 0 else {
            throw AnalysisError(.invalidParameter, "The day-of-week profile needs seven non-negative values, not all zero.")
        }
        if let shock = c.shock, !(0...1).contains(shock.depth) {
            throw AnalysisError(.invalidParameter, "A shock's depth is a share of demand lost, between 0 and 1 (got \(shock.depth)).")
        }
        self.configuration = c
        self.seed = seed
        var rng = LabRandom(seed: seed)
        let width = String(c.merchants).count
        merchants = (0..<c.merchants).map { i in
            let id = "m" + String(repeating: "0", count: max(0, width - String(i + 1).count)) + String(i + 1)
            return Merchant(
                id: id,
                sector: c.sectors[rng.nextInt(below: c.sectors.count)],
                segment: c.segments[rng.nextInt(below: c.segments.count)],
                maturity: rng.nextInt(below: 5),
                baseline: c.baselineMedian * exp(c.baselineSpread * rng.nextNormal()))
        }
        noise = (0..<c.merchants).map { _ in (0..<c.weeks).map { _ in exp(c.weeklyNoise * rng.nextNormal()) } }
    }

    /// The merchants as experiment units with attributes sector, segment, maturity and baseline.
    public var units: [ExperimentUnit] {
        merchants.map {
            ExperimentUnit(id: $0.id, attributes: [
                "sector": .category($0.sector), "segment": .category($0.segment),
                "maturity": .number(Double($0.maturity)), "baseline": .number($0.baseline),
            ])
        }
    }

    /// The seasonal factor of a week.
    public func seasonalFactor(week: Int) -> Double {
        1 + configuration.seasonalAmplitude * sin(2 * Double.pi * Double(week + configuration.firstWeekOfYear) / 52)
    }

    /// Whether the shock hits a merchant in a week.
    public func isShocked(merchant: Int, week: Int) -> Bool {
        guard let shock = configuration.shock else { return false }
        return shock.segments.contains(merchants[merchant].segment) && shock.weeks.contains(week)
    }

    /// Expected weekly demand of merchant `merchant` (index) in `week`, with or without the feature.
    public func expectedDemand(merchant: Int, week: Int, treated: Bool) -> Double {
        var level = merchants[merchant].baseline * seasonalFactor(week: week) * noise[merchant][week]
        if isShocked(merchant: merchant, week: week), let shock = configuration.shock {
            level *= 1 - shock.depth
        }
        guard treated, week >= configuration.effect.startWeek else { return level }
        let effect = configuration.effect
        let tau = effect.size + effect.perMaturityLevel * Double(merchants[merchant].maturity - 2)
        switch effect.kind {
        case .additive: return max(0, level + tau)
        case .multiplicative: return level * max(0, 1 + tau)
        }
    }

    /// Expected demand on one weekday (0 = Monday) of a week: the week's demand spread by the day-of-week profile.
    public func expectedDailyDemand(merchant: Int, week: Int, weekday: Int, treated: Bool) -> Double {
        let profile = configuration.dayOfWeekProfile
        return expectedDemand(merchant: merchant, week: week, treated: treated) * profile[weekday] / profile.reduce(0, +)
    }

    /// The planted effect on expected demand for a merchant in a week (treated minus untreated).
    public func trueEffect(merchant: Int, week: Int) -> Double {
        expectedDemand(merchant: merchant, week: week, treated: true) - expectedDemand(merchant: merchant, week: week, treated: false)
    }

    /// The sample average effect over all merchants and post-start weeks: the truth a trial on this street estimates.
    public var averageTrueEffect: Double {
        let weeks = Array(configuration.effect.startWeek..<max(configuration.weeks, configuration.effect.startWeek))
        guard !weeks.isEmpty else { return 0 }
        var total = 0.0
        for m in merchants.indices { for w in weeks { total += trueEffect(merchant: m, week: w) } }
        return total / Double(merchants.count * weeks.count)
    }

    /// Observed weekly outcomes (Poisson counts around expected demand) as a panel, given who is treated.
    public func observe(treated: [Bool], seed: UInt64) throws -> PanelData {
        try Check.sameLength(treated.count, merchants.count, "Treatment flags vs merchants")
        var rng = LabRandom(seed: seed)
        var unit: [String] = [], period: [Int] = [], outcome: [Double] = [], exposed: [Bool] = []
        for m in merchants.indices {
            for w in 0..<configuration.weeks {
                unit.append(merchants[m].id)
                period.append(w)
                outcome.append(Double(rng.nextPoisson(mean: expectedDemand(merchant: m, week: w, treated: treated[m]))))
                exposed.append(treated[m] && w >= configuration.effect.startWeek)
            }
        }
        return PanelData(unit: unit, period: period, outcome: outcome, exposed: exposed)
    }
}
