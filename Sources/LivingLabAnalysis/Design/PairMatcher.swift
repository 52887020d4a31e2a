import Foundation

/// Pairs units on the Mahalanobis distance of numeric covariates: greedy closest pairs, then 2-opt improvement.
struct PairMatcher {
    var units: [ExperimentUnit]
    var covariates: [String]

    func pairs() throws -> [(Int, Int)] {
        guard !covariates.isEmpty else {
            throw AnalysisError(.invalidParameter, "Matched pairs need at least one numeric covariate to pair on (for example the baseline level).")
        }
        let rows = try units.map { u in try covariates.map { try u.number($0) } }
        guard let inv = Covariance.inverse(Covariance.matrix(rows)) else {
            throw AnalysisError(.noVariance, "A pairing covariate has no variance or is collinear with another: drop it.")
        }
        let n = units.count
        let k = covariates.count
        var dist = Array(repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                var d = 0.0
                for a in 0..<k {
                    for b in 0..<k { d += (rows[i][a] - rows[j][a]) * inv[a][b] * (rows[i][b] - rows[j][b]) }
                }
                dist[i][j] = d.squareRoot()
                dist[j][i] = dist[i][j]
            }
        }
        var candidates: [(Double, Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { candidates.append((dist[i][j], i, j)) } }
        // Ties broken by indices so the pairing never depends on sort stability.
        candidates.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        var used = [Bool](repeating: false, count: n)
        var pairs: [(Int, Int)] = []
        for (_, i, j) in candidates where !used[i] && !used[j] {
            used[i] = true
            used[j] = true
            pairs.append((i, j))
        }
        // 2-opt: swapping partners between two pairs when that lowers the total distance.
        var improved = true
        var rounds = 0
        while improved && rounds < 100 {
            improved = false
            rounds += 1
            for p in 0..<pairs.count {
                for q in (p + 1)..<max(pairs.count, p + 1) {
                    let (a, b) = pairs[p], (c, d) = pairs[q]
                    let current = dist[a][b] + dist[c][d]
                    let alt1 = dist[a][c] + dist[b][d]
                    let alt2 = dist[a][d] + dist[b][c]
                    if alt1 < current - 1e-12 && alt1 <= alt2 {
                        pairs[p] = (a, c); pairs[q] = (b, d); improved = true
                    } else if alt2 < current - 1e-12 {
                        pairs[p] = (a, d); pairs[q] = (b, c); improved = true
                    }
                }
            }
        }
        return pairs.map { ($0.0 < $0.1) ? $0 : ($0.1, $0.0) }.sorted { $0.0 < $1.0 }
    }
}
