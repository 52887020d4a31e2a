import Foundation

/// Covariance matrices and their inverses, for balance and pairing.
enum Covariance {
    /// The sample covariance matrix of the rows.
    static func matrix(_ rows: [[Double]]) -> [[Double]] {
        let n = rows.count
        let k = rows.first?.count ?? 0
        var mean = [Double](repeating: 0, count: k)
        for r in rows { for j in 0..<k { mean[j] += r[j] / Double(n) } }
        var cov = Array(repeating: [Double](repeating: 0, count: k), count: k)
        for r in rows {
            for i in 0..<k {
                for j in 0..<k { cov[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]) / Double(max(n - 1, 1)) }
            }
        }
        return cov
    }

    /// Gauss–Jordan inverse with partial pivoting; `nil` when the matrix is (numerically) singular.
    static func inverse(_ m: [[Double]]) -> [[Double]]? {
        let k = m.count
        guard k > 0 else { return nil }
        var a = m
        var inv = (0..<k).map { i in (0..<k).map { $0 == i ? 1.0 : 0.0 } }
        let scale = (0..<k).map { abs(m[$0][$0]) }.max() ?? 0
        guard scale > 0 else { return nil }
        for col in 0..<k {
            var pivot = col
            for r in col..<k where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
            if abs(a[pivot][col]) <= 1e-12 * scale { return nil }
            a.swapAt(col, pivot)
            inv.swapAt(col, pivot)
            let p = a[col][col]
            for j in 0..<k { a[col][j] /= p; inv[col][j] /= p }
            for r in 0..<k where r != col {
                let f = a[r][col]
                if f == 0 { continue }
                for j in 0..<k { a[r][j] -= f * a[col][j]; inv[r][j] -= f * inv[col][j] }
            }
        }
        return inv
    }
}
