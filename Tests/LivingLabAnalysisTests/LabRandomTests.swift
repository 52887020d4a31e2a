import Foundation
import Testing
@testable import LivingLabAnalysis

@Suite("Deterministic random numbers")
struct LabRandomTests {
    @Test("SplitMix64 reproduces the reference sequence for seed 1234567")
    func splitMixMatchesReference() {
        // Reference outputs of Vigna's splitmix64.c seeded with 1234567.
        var state: UInt64 = 1_234_567
        let expected: [UInt64] = [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                                  4_593_380_528_125_082_431, 16_408_922_859_458_223_821]
        #expect(expected.map { _ in LabRandom.splitMix64(&state) } == expected)
    }

    @Test("xoshiro256** reproduces the reference sequence from state 1, 2, 3, 4")
    func xoshiroMatchesReference() {
        var rng = LabRandom(state: (1, 2, 3, 4))
        // Reference outputs of Blackman & Vigna's xoshiro256starstar.c from s = {1, 2, 3, 4}.
        #expect([rng.next(), rng.next(), rng.next(), rng.next()] == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    @Test("The same seed gives the same stream and a different seed a different one")
    func seedDeterminesStream() {
        var a = LabRandom(seed: 42), b = LabRandom(seed: 42), c = LabRandom(seed: 43)
        let sa = (0..<8).map { _ in a.next() }
        #expect(sa == (0..<8).map { _ in b.next() })
        #expect(sa != (0..<8).map { _ in c.next() })
    }

    @Test("Bounded integers are uniform (chi-square over 60,000 draws)")
    func boundedIntegersAreUniform() {
        var rng = LabRandom(seed: 5)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[rng.nextInt(below: 6)] += 1 }
        let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - 10_000, 2) / 10_000 }
        // χ²(5) 99.9% quantile is 20.5.
        #expect(chi2 < 20.5)
        #expect(counts.allSatisfy { $0 > 0 })
    }

    @Test("Uniform, normal and Poisson draws have the right mean and variance")
    func drawMoments() {
        var rng = LabRandom(seed: 11)
        let n = 40_000
        let u = (0..<n).map { _ in rng.nextUniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(Summary.mean(u) - 0.5) < 0.01)
        let z = (0..<n).map { _ in rng.nextNormal() }
        #expect(abs(Summary.mean(z)) < 0.03)
        #expect(abs(Summary.variance(z) - 1) < 0.05)
        for mean in [3.5, 120.0] {
            let k = (0..<n).map { _ in Double(rng.nextPoisson(mean: mean)) }
            #expect(abs(Summary.mean(k) - mean) < 0.05 * mean.squareRoot() * 4)
            #expect(abs(Summary.variance(k) / mean - 1) < 0.05)
        }
    }

    @Test("Shuffle returns a permutation and every position is reachable")
    func shuffleIsAPermutation() {
        var rng = LabRandom(seed: 3)
        var firstPositions = Set<Int>()
        for _ in 0..<200 {
            var a = Array(0..<10)
            rng.shuffle(&a)
            #expect(a.sorted() == Array(0..<10))
            firstPositions.insert(a[0])
        }
        #expect(firstPositions.count == 10)
    }

    @Test("Webb and Rademacher weights have mean 0 and variance 1")
    func bootstrapWeightMoments() {
        var rng = LabRandom(seed: 8)
        let w = (0..<30_000).map { _ in rng.nextWebb() }
        let r = (0..<30_000).map { _ in rng.nextRademacher() }
        #expect(abs(Summary.mean(w)) < 0.03 && abs(Summary.variance(w) - 1) < 0.03)
        #expect(abs(Summary.mean(r)) < 0.03 && Set(r) == [-1, 1])
    }
}
