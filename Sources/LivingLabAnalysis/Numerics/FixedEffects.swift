import Foundation

/// The within transformation: removes fixed effects by alternating projections (exact after one sweep on a
/// balanced two-way panel, iterated for unbalanced ones), instead of building a dummy column per merchant and week.
struct FixedEffects {
    var codes: [[Int]]
    var levels: [Int]
    var counts: [[Double]]

    init(codes: [[Int]]) {
        self.codes = codes
        levels = codes.map { ($0.max() ?? -1) + 1 }
        counts = zip(codes, levels).map { factor, level in
            var c = [Double](repeating: 0, count: level)
            for code in factor { c[code] += 1 }
            return c
        }
    }

    /// The number of fixed-effect parameters not nested in the first factor (the clusters).
    var parametersBeyondFirst: Int { levels.dropFirst().reduce(0) { $0 + $1 - 1 } }

    func demean(_ values: inout [Double], tolerance: Double = 1e-11, maxSweeps: Int = 10_000) {
        let n = values.count
        var scale = 0.0
        for v in values { scale = max(scale, abs(v)) }
        scale = max(scale, 1e-300)
        var sums: [[Double]] = levels.map { [Double](repeating: 0, count: $0) }
        values.withUnsafeMutableBufferPointer { y in
            for _ in 0..<maxSweeps {
                var largest = 0.0
                for f in codes.indices {
                    codes[f].withUnsafeBufferPointer { code in
                        sums[f].withUnsafeMutableBufferPointer { s in
                            for l in 0..<s.count { s[l] = 0 }
                            for i in 0..<n { s[code[i]] += y[i] }
                            for l in 0..<s.count {
                                s[l] /= counts[f][l]
                                largest = max(largest, abs(s[l]))
                            }
                            for i in 0..<n { y[i] -= s[code[i]] }
                        }
                    }
                }
                if largest <= tolerance * scale { return }
            }
        }
    }
}
