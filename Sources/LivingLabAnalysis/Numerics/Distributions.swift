import Foundation

/// Cumulative distribution and quantile functions used for intervals, p-values and power.
public enum Distributions {
    /// The standard normal cumulative distribution function Φ(x).
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The standard normal quantile Φ⁻¹(p), for p in (0, 1).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "p must be in (0, 1)")
        // Acklam's rational approximation, refined by two Newton steps on erfc.
        let a: [Double] = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                           1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b: [Double] = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                           6.680131188771972e+01, -1.328068155288572e+01, 1]
        let c: [Double] = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                           -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d: [Double] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00, 1]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = horner(c, q) / horner(d, q)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = horner(a, r) * q / horner(b, r)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -horner(c, q) / horner(d, q)
        }
        for _ in 0..<2 {
            let e = normalCDF(x) - p
            let density = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            if density > 0 { x -= e / density }
        }
        return x
    }

    /// Evaluates a polynomial with coefficients from the highest power down.
    static func horner(_ coefficients: [Double], _ x: Double) -> Double {
        coefficients.reduce(0) { $0 * x + $1 }
    }

    /// The regularised incomplete beta function I_x(a, b), by Lentz's continued fraction.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnFront: Double = lnBeta + a * log(x) + b * log(1 - x)
        // The continued fraction converges fast only below the mean; use the symmetry relation above it.
        if x > (a + 1) / (a + b + 2) {
            return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a)
        }
        let tiny = 1e-300
        var f = 1.0, c = 1.0, d = 0.0
        for i in 0...400 {
            let m = Double(i / 2)
            var numerator: Double
            if i == 0 {
                numerator = 1
            } else if i % 2 == 0 {
                numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            } else {
                numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
            }
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            d = 1 / d
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            let cd = c * d
            f *= cd
            if abs(1 - cd) < 1e-15 { break }
        }
        return exp(lnFront) * (f - 1) / a
    }

    /// The Student t cumulative distribution function with `df` degrees of freedom (normal when df is infinite).
    public static func studentTCDF(_ t: Double, df: Double) -> Double {
        if !df.isFinite { return normalCDF(t) }
        let x = df / (df + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, a: df / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// The Student t quantile with `df` degrees of freedom, for p in (0, 1).
    public static func studentTQuantile(_ p: Double, df: Double) -> Double {
        precondition(p > 0 && p < 1, "p must be in (0, 1)")
        if !df.isFinite || df > 1e7 { return normalQuantile(p) }
        if p == 0.5 { return 0 }
        // Bracket then bisect: robust for every df ≥ 1 and cheap enough for reporting.
        let z = normalQuantile(p)
        var lo = min(z, 0) - 1, hi = max(z, 0) + 1
        while studentTCDF(lo, df: df) > p { lo *= 2 }
        while studentTCDF(hi, df: df) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if studentTCDF(mid, df: df) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-12 * max(1, abs(mid)) { break }
        }
        return 0.5 * (lo + hi)
    }

    /// The regularised lower incomplete gamma function P(a, x) (series below a + 1, continued fraction above).
    public static func regularizedLowerGamma(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        let lnFront: Double = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<1_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return min(1, sum * exp(lnFront))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...1_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return max(0, 1 - exp(lnFront) * h)
    }

    /// The χ² cumulative distribution function with `df` degrees of freedom.
    public static func chiSquaredCDF(_ x: Double, df: Double) -> Double {
        regularizedLowerGamma(df / 2, x / 2)
    }

    /// The χ² quantile with `df` degrees of freedom, for p in (0, 1).
    public static func chiSquaredQuantile(_ p: Double, df: Double) -> Double {
        precondition(p > 0 && p < 1, "p must be in (0, 1)")
        var lo = 0.0, hi = max(1, df)
        while chiSquaredCDF(hi, df: df) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if chiSquaredCDF(mid, df: df) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-13 * max(1, mid) { break }
        }
        return 0.5 * (lo + hi)
    }

    /// The two-sided p-value of a t statistic with `df` degrees of freedom.
    public static func twoSidedP(t: Double, df: Double) -> Double {
        min(1, 2 * studentTCDF(-abs(t), df: df))
    }
}
