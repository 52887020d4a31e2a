import Foundation
import Synchronization
import Testing
@testable import LivingLabAnalysis

@Suite("Validation against a planted truth")
struct ValidationTests {
    /// One 200-trial run (planted effect and no effect) shared by the coverage and size tests.
    static let report: Result<ValidationReport, any Error> = Result {
        var c = ValidationConfiguration()
        c.trials = 200
        c.randomizationDraws = 500
        c.bootstrapDraws = 99
        return try EstimatorValidation.run(c)
    }

    @Test("Across 200 simulated trials every estimator's 95% interval covers the planted effect about 95% of the time")
    func coverageWithPlantedEffect() throws {
        let report = try Self.report.get()
        #expect(report.withEffect.map(\.estimator) == EstimatorValidation.estimators)
        for p in report.withEffect {
            // 200 trials: coverage SE ≈ 1.5 points; ±5 points is more than 3 SE.
            #expect(p.failures == 0)
            #expect(abs(p.coverage - 0.95) <= 0.05, "\(p.estimator): coverage \(p.coverage)")
            #expect(abs(p.meanBias) < 3 * p.rmse / Double(p.trials).squareRoot() + 0.1, "\(p.estimator): bias \(p.meanBias)")
        }
        let did = try #require(report.withEffect.first { $0.estimator.contains("cluster-robust") })
        let naive = try #require(report.withEffect.first { $0.estimator.contains("naive") })
        // Using the pre-period removes the merchant-level spread, so DiD is far more precise than the naive comparison.
        #expect(did.rmse < naive.rmse / 2)
        #expect(did.rejectionRate > naive.rejectionRate)
    }

    @Test("Under no effect, tests reject at about 5% and randomisation p-values are uniform")
    func sizeUnderNoEffect() throws {
        let report = try Self.report.get()
        for p in report.noEffect {
            // Binomial(200, 0.05): SD 1.5 points.
            #expect(p.rejectionRate <= 0.10, "\(p.estimator): rejection \(p.rejectionRate)")
        }
        #expect(abs(report.nullPValuesBelow05 - 0.05) <= 0.05)
        #expect(abs(report.nullPValuesBelow10 - 0.10) <= 0.065)
        // Kolmogorov–Smirnov 1% critical value for n = 200 is 1.63/√200 = 0.115.
        #expect(report.nullKolmogorovSmirnov < 0.115)
    }

    @Test("A validation run reports monotone progress ending at 1 and is reproducible from its seed")
    func validationProgressAndSeed() throws {
        var c = ValidationConfiguration()
        c.trials = 4
        c.randomizationDraws = 200
        c.bootstrapDraws = 99
        let progress = Mutex<[Double]>([])
        let one = try EstimatorValidation.run(c) { f in progress.withLock { $0.append(f) } }
        let seen = progress.withLock { $0 }
        #expect(seen.last == 1 && seen == seen.sorted())
        #expect(try EstimatorValidation.run(c) == one)
        c.seed += 1
        #expect(try EstimatorValidation.run(c) != one)
    }

    @Test("With a segment shock and volunteers clustered in that segment, the naive post-period difference is biased and DiD with segment × week effects is not")
    func shockBiasesNaiveButNotDiD() throws {
        // Tram works cut demand by 40% on the north segment for the whole post period, and north merchants
        // volunteer three times as often as the others (a cohort chosen by hand, not randomised across the street).
        // The naive comparison blames the shock on the feature; DiD that absorbs segment × week effects compares
        // merchants within a segment, where volunteering is unrelated to demand.
        var street = StreetModel.Configuration()
        street.weeks = 12
        street.effect = StreetModel.PlantedEffect(size: 5, perMaturityLevel: 1, startWeek: 6)
        street.shock = StreetModel.Shock(segments: ["north"], weeks: Array(6..<12), depth: 0.4)
        var naiveErrors: [Double] = [], plainErrors: [Double] = [], absorbedErrors: [Double] = []
        for trial in 0..<150 {
            let model = try StreetModel(configuration: street, seed: UInt64(500 + trial))
            var rng = LabRandom(seed: UInt64(trial))
            var treated = model.merchants.map { rng.nextUniform() < ($0.segment == "north" ? 0.75 : 0.25) }
            if !treated.contains(true) { treated[0] = true }
            if !treated.contains(false) { treated[1] = false }
            var panel = try model.observe(treated: treated, seed: UInt64(trial))
            let truth = model.averageTrueEffect
            let (_, post) = EstimatorValidation.prePostMeans(panel, merchants: model.merchants.count, weeks: 12, start: 6)
            naiveErrors.append(try DifferenceInMeans.estimate(outcomes: post, treated: treated).estimate - truth)
            plainErrors.append(try DifferenceInDifferences.estimate(panel).estimate - truth)
            let segmentOf = Dictionary(uniqueKeysWithValues: model.merchants.map { ($0.id, $0.segment) })
            panel.extraFixedEffects = [panel.unit.indices.map { "\(segmentOf[panel.unit[$0]]!)×\(panel.period[$0])" }]
            absorbedErrors.append(try DifferenceInDifferences.estimate(panel).estimate - truth)
        }
        func meanAndError(_ xs: [Double]) -> (Double, Double) {
            (Summary.mean(xs), (Summary.variance(xs) / Double(xs.count)).squareRoot())
        }
        let naive = meanAndError(naiveErrors), plain = meanAndError(plainErrors), absorbed = meanAndError(absorbedErrors)
        #expect(naive.0 < -4 * naive.1 && naive.0 < -3, "naive bias \(naive)")
        #expect(plain.0 < -4 * plain.1, "plain two-way FE bias \(plain)")
        #expect(abs(absorbed.0) < 3 * absorbed.1 + 0.2, "DiD with segment × week effects bias \(absorbed)")
    }
}
