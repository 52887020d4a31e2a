import Foundation

/// The set of assignments a design could have produced: arm labels permuted within groups (blocks, pairs, or one
/// group for a complete design), optionally filtered by a rerandomisation balance rule.
public struct RandomizationScheme: Sendable {
    /// The randomisation group of each unit.
    public var groups: [Int]
    /// The observed arm label of each unit; its multiset within each group is what gets permuted.
    public var observed: [Int]
    /// The rerandomisation rule every re-drawn assignment must pass, if any.
    public var balanceRule: BalanceRule?

    /// Creates a scheme; `groups` all zero means complete randomisation of the observed labels.
    public init(groups: [Int], observed: [Int], balanceRule: BalanceRule? = nil) {
        self.groups = groups
        self.observed = observed
        self.balanceRule = balanceRule
    }

    /// Complete randomisation of the observed labels (no blocks, no rule).
    public static func complete(observed: [Int]) -> RandomizationScheme {
        RandomizationScheme(groups: Array(repeating: 0, count: observed.count), observed: observed)
    }

    var members: [[Int]] {
        let count = (groups.max() ?? -1) + 1
        var out = Array(repeating: [Int](), count: count)
        for (i, g) in groups.enumerated() { out[g].append(i) }
        return out.filter { !$0.isEmpty }
    }

    /// The number of distinct assignments before any balance rule (product of multinomial coefficients).
    public var assignmentCount: Double {
        var logCount = 0.0
        for list in members {
            logCount += lgamma(Double(list.count) + 1)
            var counts: [Int: Int] = [:]
            for i in list { counts[observed[i], default: 0] += 1 }
            for c in counts.values { logCount -= lgamma(Double(c) + 1) }
        }
        return exp(logCount).rounded()
    }

    /// Calls `body` once with every distinct assignment (before the balance rule); `body` returns false to stop.
    func enumerate(_ body: ([Int]) -> Bool) {
        let groupsList = members
        var current = observed
        var labels = groupsList.map { list in list.map { observed[$0] }.sorted() }
        for (g, list) in groupsList.enumerated() {
            for (k, i) in list.enumerated() { current[i] = labels[g][k] }
        }
        while true {
            if !body(current) { return }
            var g = 0
            while g < groupsList.count {
                let advanced = RandomizationScheme.nextPermutation(&labels[g])
                for (k, i) in groupsList[g].enumerated() { current[i] = labels[g][k] }
                if advanced { break }
                g += 1
            }
            if g == groupsList.count { return }
        }
    }

    /// Draws one assignment uniformly from the design (shuffling labels within groups); no rule applied.
    func drawUnfiltered(_ rng: inout LabRandom, members groupsList: [[Int]]) -> [Int] {
        var current = observed
        for list in groupsList {
            var labels = list.map { observed[$0] }
            rng.shuffle(&labels)
            for (k, i) in list.enumerated() { current[i] = labels[k] }
        }
        return current
    }

    /// Lexicographic next permutation of a multiset; returns false (and resets to sorted) after the last one.
    static func nextPermutation(_ a: inout [Int]) -> Bool {
        guard a.count > 1 else { return false }
        var i = a.count - 2
        while i >= 0 && a[i] >= a[i + 1] { i -= 1 }
        if i < 0 {
            a.reverse()
            return false
        }
        var j = a.count - 1
        while a[j] <= a[i] { j -= 1 }
        a.swapAt(i, j)
        a[(i + 1)...].reverse()
        return true
    }
}
