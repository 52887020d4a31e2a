import Foundation
import Testing
@testable import LivingLabAnalysis

@Suite("Estimators on hand-checkable data")
struct EstimatorTests {
    @Test("Distribution functions match tabulated values")
    func distributionsMatchTables() {
        #expect(abs(Distributions.normalQuantile(0.975) - 1.959963984540054) < 1e-9)
        #expect(abs(Distributions.normalCDF(1.959963984540054) - 0.975) < 1e-12)
        #expect(abs(Distributions.studentTQuantile(0.975, df: 10) - 2.228138851986274) < 1e-8)
        #expect(abs(Distributions.studentTCDF(-2.5, df: 3) - 0.04385332350403278) < 1e-10)
        #expect(abs(Distributions.regularizedIncompleteBeta(0.3, a: 2.5, b: 1.5) - 0.08894372317066562) < 1e-10)
        // χ² with 2 df is exponential with mean 2: quantile(0.1) = −2·ln(0.9) = 0.210721.
        #expect(abs(Distributions.chiSquaredQuantile(0.1, df: 2) + 2 * log(0.9)) < 1e-10)
        #expect(abs(Distributions.chiSquaredCDF(3.2, df: 5) - 0.3308170979667568) < 1e-10)
        #expect(abs(Distributions.chiSquaredCDF(30, df: 10) - 0.9991433587892247) < 1e-10)
        #expect(abs(Distributions.chiSquaredQuantile(0.05, df: 1) - 0.003932140000019522) < 1e-10)
        // t with 1 df is Cauchy: F(1) = 3/4.
        #expect(abs(Distributions.studentTCDF(1, df: 1) - 0.75) < 1e-12)
    }

    @Test("Difference in means and its Neyman SE and Welch df on 3 + 3 numbers")
    func differenceInMeansByHand() throws {
        // Treated 4, 6, 8: mean 6, s² = (4 + 0 + 4)/2 = 4. Control 1, 2, 3: mean 2, s² = 1.
        // Effect 6 − 2 = 4; SE = √(4/3 + 1/3) = √(5/3) = 1.29099.
        // Welch df = (5/3)² / ((4/3)²/2 + (1/3)²/2) = (25/9) / (17/18) = 50/17 = 2.941.
        let e = try DifferenceInMeans.estimate(outcomes: [4, 6, 8, 1, 2, 3], treated: [true, true, true, false, false, false])
        #expect(e.estimate == 4)
        #expect(abs(e.standardError! - (5.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(e.degreesOfFreedom! - 50.0 / 17) < 1e-12)
        // t quantile at 0.975 with 50/17 df is 3.21876 (tables interpolate; scipy gives 3.218758614532882).
        #expect(abs(e.upper - (4 + 3.218758614532882 * (5.0 / 3).squareRoot())) < 1e-6)
        #expect(abs(e.pValue - 0.05478676604107641) < 1e-8)
        #expect(e.notes.contains { $0.contains("only 3 merchants") })
    }

    @Test("ANCOVA with a covariate orthogonal to treatment gives the hand-computed effect, slope and HC2 SE")
    func ancovaByHand() throws {
        // x is −1, 0, 1 in both arms, so it is orthogonal to treatment: the effect is the difference in means
        // 20/3 − 2 = 14/3, and the slope is Σxy/Σx² = (−5 + 9 − 1 + 2)/4 = 5/4.
        // Residuals: treated 5, 6, 9 − (20/3 + 5/4·x) = −5/12, −2/3, 13/12; control 1, 3, 2 − (2 + 5/4·x) = 1/4, 1, −5/4.
        // Leverage hᵢ = 1/3 + xᵢ²/4: 7/12 at x = ±1, 1/3 at x = 0.
        // The effect's weights are ±1/3, so Var_HC2 = (1/9) Σ eᵢ²/(1 − hᵢ)
        //   = (1/9)(5/12 + 2/3 + 169/60 + 3/20 + 3/2 + 15/4) = 9.3/9, SE = 1.016530.
        let y: [Double] = [5, 6, 9, 1, 3, 2]
        let x: [Double] = [-1, 0, 1, -1, 0, 1]
        let e = try Ancova.estimate(outcomes: y, treated: [true, true, true, false, false, false], covariates: [x])
        #expect(abs(e.estimate - 14.0 / 3) < 1e-12)
        #expect(abs(e.standardError! - (9.3 / 9).squareRoot()) < 1e-12)
        #expect(e.degreesOfFreedom == 3)
    }

    @Test("ANCOVA on a pre-period covariate shrinks the interval compared with the raw difference in means")
    func ancovaUsesThePrePeriod() throws {
        var rng = LabRandom(seed: 21)
        let pre = (0..<40).map { _ in 50 + 15 * rng.nextNormal() }
        let treated = (0..<40).map { $0 % 2 == 0 }
        let post = pre.indices.map { pre[$0] + 3 * rng.nextNormal() + (treated[$0] ? 4 : 0) }
        let raw = try DifferenceInMeans.estimate(outcomes: post, treated: treated)
        let adjusted = try Ancova.estimate(outcomes: post, treated: treated, covariates: [pre])
        #expect(adjusted.standardError! < raw.standardError! / 2)
        #expect(adjusted.covers(4))
    }

    @Test("Least squares by QR recovers coefficients where the normal equations lose them")
    func qrHandlesIllConditioning() throws {
        // Columns 1, x, x² on x ∈ [1000, 1001]: XᵀX has condition number ~10¹⁸, beyond double precision.
        let xs = (0..<30).map { 1000 + Double($0) / 29 }
        let y = xs.map { 1 + 2 * ($0 - 1000) + 3 * ($0 - 1000) * ($0 - 1000) + 0.001 * sin($0 * 7) }
        let x = Matrix(columns: [xs.map { _ in 1 }, xs, xs.map { $0 * $0 }])
        let fit = try LeastSquaresFit(x: x, y: y)
        // True model in x: 3x² − 5998x + (1 − 2000 + 3·10⁶).
        #expect(abs(fit.coefficients[2] - 3) < 0.05)
        let predicted = fit.coefficients[0] + fit.coefficients[1] * 1000.5 + fit.coefficients[2] * 1000.5 * 1000.5
        #expect(abs(predicted - (1 + 2 * 0.5 + 3 * 0.25)) < 0.01)
    }

    @Test("A 2 × 2 difference-in-differences gives the hand-computed effect and CR1 standard error")
    func twoByTwoDifferenceInDifferences() throws {
        // Treated A 10 → 15 and B 12 → 16 (changes 5, 4); control C 8 → 9 and D 6 → 8 (changes 1, 2).
        // DiD = mean(5, 4) − mean(1, 2) = 4.5 − 1.5 = 3.
        // With two periods, the cluster-robust CR0 variance is that of the difference in mean changes:
        //   Σ(Δ − Δ̄)²/n² per arm = (0.25 + 0.25)/4 + (0.25 + 0.25)/4 = 0.25.
        // CR1 multiplies by G/(G − 1) · (N − 1)/(N − K) = 4/3 · 7/6 (N = 8 rows, K = effect + 1 period effect),
        //   so SE = √(0.25 · 28/18) = 0.623610.
        let panel = PanelData(
            unit: ["A", "A", "B", "B", "C", "C", "D", "D"], period: [0, 1, 0, 1, 0, 1, 0, 1],
            outcome: [10, 15, 12, 16, 8, 9, 6, 8],
            treatedUnit: [true, true, true, true, false, false, false, false], post: [false, true, false, true, false, true, false, true])
        let e = try DifferenceInDifferences.estimate(panel)
        #expect(abs(e.estimate - 3) < 1e-10)
        #expect(abs(e.standardError! - (0.25 * 28 / 18).squareRoot()) < 1e-10)
        #expect(e.degreesOfFreedom == 3)
        #expect(e.clusters == 4)
    }

    @Test("On a balanced panel, two-way FE DiD equals the difference between arms of per-unit post − pre means")
    func twoWayEqualsPerUnitChange() throws {
        let street = try StreetModel(seed: 4)
        let a = try Assignment.draw(units: street.units, design: .complete(), seed: 4)
        let panel = try street.observe(treated: a.treated, seed: 4)
        let change = try #require(panel.perUnitChange())
        let byChange = try DifferenceInMeans.estimate(outcomes: change.change, treated: change.treated)
        let twfe = try DifferenceInDifferences.estimate(panel)
        #expect(abs(twfe.estimate - byChange.estimate) < 1e-9)
    }

    @Test("Per-unit summaries give each merchant's pre and post means, usable for ANCOVA")
    func unitSummariesByHand() throws {
        // Same 2 × 2 panel as above: A 10 → 15, B 12 → 16, C 8 → 9, D 6 → 8.
        let panel = PanelData(
            unit: ["A", "A", "B", "B", "C", "C", "D", "D"], period: [0, 1, 0, 1, 0, 1, 0, 1],
            outcome: [10, 15, 12, 16, 8, 9, 6, 8],
            treatedUnit: [true, true, true, true, false, false, false, false], post: [false, true, false, true, false, true, false, true])
        let s = try panel.unitSummaries()
        #expect(s.map(\.unit) == ["A", "B", "C", "D"])
        #expect(s.map(\.preMean) == [10, 12, 8, 6])
        #expect(s.map(\.postMean) == [15, 16, 9, 8])
        #expect(s.map(\.treated) == [true, true, false, false])
        let e = try DifferenceInMeans.estimate(outcomes: s.map { $0.postMean - $0.preMean }, treated: s.map(\.treated))
        #expect(e.estimate == 3)
        #expect(e.description.contains("effect 3") && e.description.contains("95% CI"))
    }

    @Test("Two-way FE recovers a staggered (stepped-wedge) effect exactly on noiseless data, balanced or not")
    func steppedWedgeNoiseless() throws {
        // y = unit level + week level + 2.5 · exposed, waves starting at weeks 2, 4, 6.
        var unit: [String] = [], period: [Int] = [], y: [Double] = [], exposed: [Bool] = [], noise: [Double] = []
        var rng = LabRandom(seed: 1)
        for u in 0..<9 {
            let start = 2 + 2 * (u % 3)
            for w in 0..<8 where !(u == 4 && w == 3) {
                unit.append("u\(u)"); period.append(w)
                let d = w >= start
                exposed.append(d)
                y.append(Double(u) * 3 + sin(Double(w)) * 5 + (d ? 2.5 : 0))
                noise.append(rng.nextNormal())
            }
        }
        let exact = try DifferenceInDifferences.estimate(PanelData(unit: unit, period: period, outcome: y, exposed: exposed))
        #expect(abs(exact.estimate - 2.5) < 1e-8)
        let noisy = try DifferenceInDifferences.estimate(PanelData(unit: unit, period: period, outcome: zip(y, noise).map { $0 + 0.1 * $1 }, exposed: exposed))
        #expect(abs(noisy.estimate - 2.5) < 0.3)
    }

    @Test("A shock absorbed by segment × period fixed effects no longer biases DiD")
    func segmentPeriodEffectsAbsorbShock() throws {
        // Units 0–5 in segment s (4 of them treated), 6–11 in segment t (2 treated); a −10 shock hits segment s
        // in post weeks 3–5. Without segment × week effects the shock loads on the treated arm.
        var unit: [String] = [], period: [Int] = [], y: [Double] = [], exposed: [Bool] = [], segmentWeek: [String] = []
        var rng = LabRandom(seed: 2)
        let treatedUnits: Set<Int> = [0, 1, 2, 3, 6, 7]
        for u in 0..<12 {
            for w in 0..<6 {
                let segment = u < 6 ? "s" : "t"
                unit.append("u\(u)"); period.append(w)
                let d = treatedUnits.contains(u) && w >= 3
                exposed.append(d)
                segmentWeek.append("\(segment)×\(w)")
                y.append(Double(u) + Double(w) + (segment == "s" && w >= 3 ? -10 : 0) + (d ? 1 : 0) + 0.05 * rng.nextNormal())
            }
        }
        let plain = try DifferenceInDifferences.estimate(PanelData(unit: unit, period: period, outcome: y, exposed: exposed))
        let absorbed = try DifferenceInDifferences.estimate(PanelData(unit: unit, period: period, outcome: y, exposed: exposed, extraFixedEffects: [segmentWeek]))
        #expect(abs(plain.estimate - 1) > 2)
        #expect(abs(absorbed.estimate - 1) < 0.1)
    }

    @Test("The wild cluster bootstrap is reproducible from its seed and close to the cluster-robust interval")
    func wildBootstrapIsSeeded() throws {
        let street = try StreetModel(seed: 8)
        let a = try Assignment.draw(units: street.units, design: .complete(), seed: 8)
        let panel = try street.observe(treated: a.treated, seed: 8)
        let one = try DifferenceInDifferences.wildClusterBootstrap(panel, draws: 199, seed: 3)
        let two = try DifferenceInDifferences.wildClusterBootstrap(panel, draws: 199, seed: 3)
        let other = try DifferenceInDifferences.wildClusterBootstrap(panel, draws: 199, seed: 4)
        let cr = try DifferenceInDifferences.estimate(panel)
        #expect(one == two)
        #expect(one.lower != other.lower)
        #expect(one.covers(one.estimate))
        #expect(abs((one.upper - one.lower) / (cr.upper - cr.lower) - 1) < 0.25)
        #expect(one.monteCarloError != nil)
    }

    @Test("Degenerate inputs fail with codes whose messages say what to do")
    func degenerateInputsExplainThemselves() {
        func expectCode(_ code: AnalysisError.Code, _ hint: String, _ body: () throws -> Estimate) {
            #expect { _ = try body() } throws: { error in
                guard let e = error as? AnalysisError else { return false }
                return e.code == code && e.message.localizedCaseInsensitiveContains(hint)
            }
        }
        expectCode(.emptyArm, "treated arm") { try DifferenceInMeans.estimate(outcomes: [1, 2, 3], treated: [false, false, false]) }
        expectCode(.noVariance, "does not vary") { try DifferenceInMeans.estimate(outcomes: [1, 1, 2, 2], treated: [true, true, false, false]) }
        expectCode(.missingValues, "position 1") { try DifferenceInMeans.estimate(outcomes: [1, .nan, 3, 4], treated: [true, true, false, false]) }
        expectCode(.mismatchedLengths, "one value per unit") { try DifferenceInMeans.estimate(outcomes: [1, 2, 3], treated: [true, false]) }
        expectCode(.tooFewClusters, "at least two") {
            try DifferenceInDifferences.estimate(PanelData(unit: ["a", "a"], period: [0, 1], outcome: [1, 2], exposed: [false, true]))
        }
        expectCode(.tooFewClusters, "at least two clusters") {
            try Ancova.estimate(outcomes: [1, 2, 4, 3, 5], treated: [true, false, true, false, true], covariates: [[1, 3, 2, 5, 4]], clusters: [1, 1, 1, 1, 1])
        }
        expectCode(.noVariance, "adjusts nothing") {
            try Ancova.estimate(outcomes: [1, 2, 4, 3, 5], treated: [true, false, true, false, true], covariates: [[1, 1, 1, 1, 1]])
        }
        expectCode(.noVariance, "control units") {
            // Everyone switches on at the same week: exposure is a pure week effect.
            try DifferenceInDifferences.estimate(PanelData(unit: ["a", "a", "b", "b"], period: [0, 1, 0, 1], outcome: [1, 3, 2, 5], exposed: [false, true, false, true]))
        }
    }
}
