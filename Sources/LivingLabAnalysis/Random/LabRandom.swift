import Foundation

/// A seedable, platform-independent random number generator for assignments and simulations.
///
/// The state is seeded with SplitMix64 and advanced with xoshiro256**. Every derived draw (bounded integers,
/// shuffles, uniform doubles) is implemented here rather than with the standard library's `random(in:using:)`,
/// whose algorithms may change between Swift versions: the same seed must give the same assignment forever.
/// Normal and Poisson draws use `log`/`sqrt`/`cos`, so they are reproducible on one platform but may differ in
/// the last bits across C libraries; assignments never use them.
public struct LabRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        s0 = LabRandom.splitMix64(&sm)
        s1 = LabRandom.splitMix64(&sm)
        s2 = LabRandom.splitMix64(&sm)
        s3 = LabRandom.splitMix64(&sm)
    }

    /// Creates an independent stream for a sub-task (for example trial `k` of a validation run).
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ 0x5851_F42D_4C95_7F2D)
    }

    /// Creates a generator from a raw xoshiro256** state (for reference-vector tests).
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// Returns the next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = LabRandom.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = LabRandom.rotl(s3, 45)
        return result
    }

    /// Returns an unbiased integer in `0..<bound` (Lemire's multiply-and-reject method); `bound` must be positive.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold {
                m = next().multipliedFullWidth(by: b)
            }
        }
        return Int(m.high)
    }

    /// Returns a uniform double in `[0, 1)` with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a standard normal draw (Box–Muller, one value per call).
    public mutating func nextNormal() -> Double {
        var u = nextUniform()
        while u <= 0 { u = nextUniform() }
        let v = nextUniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Returns a Poisson draw with mean `mean` (multiplication method below 30, PTRS rejection above).
    public mutating func nextPoisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean < 30 {
            let limit = exp(-mean)
            var k = 0
            var p = nextUniform()
            while p > limit {
                k += 1
                p *= nextUniform()
            }
            return k
        }
        // Hörmann's transformed rejection with squeeze (PTRS).
        let slam = mean.squareRoot()
        let loglam = log(mean)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = nextUniform() - 0.5
            let v = nextUniform()
            let us = 0.5 - abs(u)
            let k = floor((2 * a / us + b) * u + mean + 0.43)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -mean + k * loglam - lgamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// Shuffles `array` in place with the Fisher–Yates algorithm driven by `nextInt(below:)`.
    public mutating func shuffle<T>(_ array: inout [T]) {
        var i = array.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
            i -= 1
        }
    }

    /// Returns a Rademacher weight: −1 or +1 with equal probability.
    public mutating func nextRademacher() -> Double {
        (next() >> 63) == 0 ? -1 : 1
    }

    /// Returns a Webb six-point weight: ±√(1/2), ±1, ±√(3/2) with equal probability.
    public mutating func nextWebb() -> Double {
        switch nextInt(below: 6) {
        case 0: return -(1.5).squareRoot()
        case 1: return -1
        case 2: return -(0.5).squareRoot()
        case 3: return (0.5).squareRoot()
        case 4: return 1
        default: return (1.5).squareRoot()
        }
    }
}
