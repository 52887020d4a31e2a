import Foundation

/// An ordinary least-squares fit by Householder QR, with what robust variance estimators need.
///
/// QR works on X directly, so the condition number is not squared as it is with the normal equations.
struct LeastSquaresFit: Sendable {
    /// Coefficients, one per column of X.
    var coefficients: [Double]
    /// Residuals y − Xβ.
    var residuals: [Double]
    /// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ.
    var bread: Matrix
    /// Leverages hᵢ = diag(X(XᵀX)⁻¹Xᵀ).
    var leverage: [Double]
    /// The design matrix that was fitted.
    var x: Matrix

    /// Fits y on the columns of `x` (include a column of ones for an intercept).
    init(x: Matrix, y: [Double]) throws {
        let n = x.rows, p = x.cols
        guard n >= p, p > 0 else {
            throw AnalysisError(.invalidParameter, "The regression has \(n) observations for \(p) coefficients: add units or drop covariates.")
        }
        var a = x
        var qty = y
        var columnNorms = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var s = 0.0
            for i in 0..<n { s += x[i, j] * x[i, j] }
            columnNorms[j] = s.squareRoot()
        }
        for k in 0..<p {
            var norm = 0.0
            for i in k..<n { norm += a[i, k] * a[i, k] }
            norm = norm.squareRoot()
            let scale = max(columnNorms[k], 1e-300)
            if norm <= 1e-10 * scale {
                throw AnalysisError(.collinear, "Regressor \(k + 1) is constant or a combination of the others: remove it (for example a covariate equal for every unit, or a treatment indicator with one arm empty).")
            }
            let alpha = a[k, k] > 0 ? -norm : norm
            var v = [Double](repeating: 0, count: n - k)
            for i in k..<n { v[i - k] = a[i, k] }
            v[0] -= alpha
            var vnorm2 = 0.0
            for value in v { vnorm2 += value * value }
            if vnorm2 > 0 {
                for j in (k + 1)..<max(p, k + 1) {
                    var dot = 0.0
                    for i in k..<n { dot += v[i - k] * a[i, j] }
                    let f = 2 * dot / vnorm2
                    for i in k..<n { a[i, j] -= f * v[i - k] }
                }
                var dot = 0.0
                for i in k..<n { dot += v[i - k] * qty[i] }
                let f = 2 * dot / vnorm2
                for i in k..<n { qty[i] -= f * v[i - k] }
            }
            a[k, k] = alpha
        }
        // Back substitution R β = Qᵀy.
        var beta = [Double](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = qty[i]
            for j in (i + 1)..<max(p, i + 1) { s -= a[i, j] * beta[j] }
            beta[i] = s / a[i, i]
        }
        // R⁻¹ (upper triangular), then (XᵀX)⁻¹ = R⁻¹R⁻ᵀ.
        var rInv = Matrix(rows: p, cols: p)
        for j in 0..<p {
            rInv[j, j] = 1 / a[j, j]
            for i in stride(from: j - 1, through: 0, by: -1) {
                var s = 0.0
                for k in (i + 1)...j { s += a[i, k] * rInv[k, j] }
                rInv[i, j] = -s / a[i, i]
            }
        }
        var bread = Matrix(rows: p, cols: p)
        for i in 0..<p {
            for j in i..<p {
                var s = 0.0
                for k in j..<p { s += rInv[i, k] * rInv[j, k] }
                bread[i, j] = s
                bread[j, i] = s
            }
        }
        var residuals = [Double](repeating: 0, count: n)
        var leverage = [Double](repeating: 0, count: n)
        var row = [Double](repeating: 0, count: p)
        for i in 0..<n {
            var fitted = 0.0
            for j in 0..<p {
                fitted += x[i, j] * beta[j]
                // Row of Q₁ = x_i R⁻¹; its squared norm is the leverage.
                var s = 0.0
                for k in 0...j { s += x[i, k] * rInv[k, j] }
                row[j] = s
            }
            residuals[i] = y[i] - fitted
            var h = 0.0
            for value in row { h += value * value }
            leverage[i] = h
        }
        coefficients = beta
        self.residuals = residuals
        self.bread = bread
        self.leverage = leverage
        self.x = x
    }

    /// The sandwich variance bread · meat · bread.
    func sandwich(_ meat: Matrix) -> Matrix {
        let p = bread.rows
        var tmp = Matrix(rows: p, cols: p)
        for i in 0..<p {
            for j in 0..<p {
                var s = 0.0
                for k in 0..<p { s += bread[i, k] * meat[k, j] }
                tmp[i, j] = s
            }
        }
        var out = Matrix(rows: p, cols: p)
        for i in 0..<p {
            for j in 0..<p {
                var s = 0.0
                for k in 0..<p { s += tmp[i, k] * bread[k, j] }
                out[i, j] = s
            }
        }
        return out
    }

    /// HC2 variance: each squared residual is inflated by 1/(1 − hᵢ), unbiased under homoskedasticity.
    func hc2Variance() -> Matrix {
        let p = x.cols
        var meat = Matrix(rows: p, cols: p)
        for i in 0..<x.rows {
            let w = residuals[i] * residuals[i] / max(1 - leverage[i], 1e-12)
            for a in 0..<p {
                let xa = x[i, a] * w
                for b in 0..<p { meat[a, b] += xa * x[i, b] }
            }
        }
        return sandwich(meat)
    }

    /// Cluster-robust variance with the CR1 small-sample factor G/(G−1) · (N−1)/(N−K).
    ///
    /// `extraParameters` counts absorbed fixed effects that are not nested in clusters, so K is honest.
    func clusterVariance(clusters: [Int], extraParameters: Int = 0) -> Matrix {
        let p = x.cols
        let g = (clusters.max() ?? -1) + 1
        var scores = Matrix(rows: g, cols: p)
        for i in 0..<x.rows {
            for a in 0..<p { scores[clusters[i], a] += x[i, a] * residuals[i] }
        }
        var meat = Matrix(rows: p, cols: p)
        for c in 0..<g {
            for a in 0..<p {
                for b in 0..<p { meat[a, b] += scores[c, a] * scores[c, b] }
            }
        }
        let n = Double(x.rows), k = Double(p + extraParameters), gd = Double(g)
        let factor = gd / max(gd - 1, 1) * (n - 1) / max(n - k, 1)
        var v = sandwich(meat)
        for i in 0..<v.data.count { v.data[i] *= factor }
        return v
    }
}
