import Foundation
import LivingLabAnalysis
import LivingLabCore

/// One metric's effect from weekly per-merchant totals: the estimator is chosen from what the data hold.
struct MetricAnalysis {
    var totals: WeeklyTotals
    /// Merchant id → whether it is in a treatment arm (assigned merchants only).
    var treated: [String: Bool]
    var merchants: [String: Merchant]
    var calendar: WeekCalendar
    /// The first trial week; earlier weeks are the baseline.
    var trialStart: Int
    /// Weeks from here on (the follow-up) are shown but not analysed: the feature may be off.
    var analysisEnd: Int
    var shocks: [Shock]
    var options: ReportOptions

    /// Assigned merchants with at least one observable week, in a stable order.
    var units: [String] { totals.byMerchant.keys.filter { treated[$0] != nil }.sorted() }

    /// Whether any merchant has a recorded value in a baseline week (then DiD is possible).
    var hasBaseline: Bool {
        units.contains { u in (totals.byMerchant[u] ?? []).prefix(trialStart).contains { ($0 ?? 0) != 0 } }
    }

    /// The unit × week panel of analysed weeks; `withShocks` adds a 0/1 covariate for a shock on the merchant's segment.
    func panel(withShocks: Bool) -> PanelData {
        var unit: [String] = [], period: [Int] = [], outcome: [Double] = [], isTreated: [Bool] = [], post: [Bool] = []
        var shocked: [Double] = []
        let ranges = shocks.compactMap { s in calendar.weeks(overlapping: s.period).map { (Set(s.segments), $0) } }
        for u in units {
            let segment = merchants[u]?.segment ?? ""
            for (w, value) in (totals.byMerchant[u] ?? []).enumerated() where w < analysisEnd {
                guard let value else { continue }
                unit.append(u)
                period.append(w)
                outcome.append(value)
                isTreated.append(treated[u] ?? false)
                post.append(w >= trialStart)
                shocked.append(ranges.contains { $0.0.contains(segment) && $0.1.contains(w) } ? 1 : 0)
            }
        }
        let useShock = withShocks && Set(shocked).count > 1
        return PanelData(unit: unit, period: period, outcome: outcome, treatedUnit: isTreated, post: post,
                         covariates: useShock ? [shocked] : [], covariateNames: useShock ? ["shock on the merchant's segment"] : [])
    }

    /// Per merchant: the mean weekly total over analysed trial weeks.
    func trialMeans() -> (units: [String], values: [Double], treated: [Bool]) {
        var ids: [String] = [], values: [Double] = [], flags: [Bool] = []
        for u in units {
            let weeks = (totals.byMerchant[u] ?? []).enumerated().filter { $0.offset >= trialStart && $0.offset < analysisEnd }
                .compactMap(\.element)
            guard !weeks.isEmpty else { continue }
            ids.append(u)
            values.append(weeks.reduce(0, +) / Double(weeks.count))
            flags.append(treated[u] ?? false)
        }
        return (ids, values, flags)
    }

    /// The model-based estimate and notes on how it was made.
    func estimate() throws -> (Estimate, [String]) {
        if hasBaseline {
            let withShocks = panel(withShocks: true)
            if !withShocks.covariates.isEmpty {
                do {
                    let e = try DifferenceInDifferences.estimate(withShocks, confidenceLevel: options.confidenceLevel)
                    return (e, e.notes + ["recorded shocks enter the DiD as a covariate (1 when a shock hits the merchant's segment that week)."])
                } catch let error as AnalysisError where error.code == .collinear {
                    // The shock cannot be separated from the effect; fall through and say so.
                }
            }
            let e = try DifferenceInDifferences.estimate(panel(withShocks: false), confidenceLevel: options.confidenceLevel)
            return (e, e.notes)
        }
        let means = trialMeans()
        let e = try DifferenceInMeans.estimate(outcomes: means.values, treated: means.treated, confidenceLevel: options.confidenceLevel)
        return (e, e.notes + ["no baseline outcomes: the effect compares trial-period means, so differences between merchants that predate the trial are not removed."])
    }

    /// Randomisation inference under `scheme` (aligned with `unitIDs`), on the same statistic as ``estimate()``.
    func randomization(scheme: RandomizationScheme, unitIDs: [String]) throws -> Estimate {
        let ri = RandomizationOptions(monteCarloDraws: options.randomizationDraws, seed: options.seed, progress: options.progress)
        if hasBaseline {
            // The randomisation test is valid for any statistic; the covariate-free one has the exact fast path and a
            // test-inversion interval.
            var e = try RandomizationInference.differenceInDifferences(
                panel(withShocks: false), unitIDs: unitIDs, scheme: scheme, confidenceLevel: options.confidenceLevel, options: ri)
            if !panel(withShocks: true).covariates.isEmpty {
                e.notes.append("the randomisation check compares weekly changes without the shock covariate: its p-value stays valid, but its estimate can differ from the DiD's when shocks fall unevenly on the arms.")
            }
            return e
        }
        let means = trialMeans()
        let position = Dictionary(unitIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = means.units.compactMap { position[$0] }
        guard rows.count == means.units.count else {
            throw AnalysisError(.mismatchedLengths, "a measured merchant is missing from the assignment")
        }
        let sub = RandomizationScheme(groups: rows.map { scheme.groups[$0] }, observed: rows.map { scheme.observed[$0] })
        return try RandomizationInference.differenceInMeans(
            outcomes: means.values, scheme: sub, confidenceLevel: options.confidenceLevel, options: ri)
    }
}
