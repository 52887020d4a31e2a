import Foundation

/// Covariate balance between arms: mean per arm and standardised difference of each arm against arm 0.
public struct BalanceTable: Codable, Hashable, Sendable {
    /// One covariate's balance (a categorical attribute appears as one row per level, as a proportion).
    public struct Row: Codable, Hashable, Sendable {
        /// The covariate (or "attribute=level" for a category).
        public var covariate: String
        /// The mean per arm, aligned with `armNames`.
        public var means: [Double]
        /// The standardised difference of each arm against arm 0 (arm 0 itself is 0):
        /// (x̄ₐ − x̄₀) / √((sₐ² + s₀²)/2); |d| above 0.25 is usually read as imbalance.
        public var standardizedDifferences: [Double]
    }

    /// Arm names, in arm-index order.
    public var armNames: [String]
    /// Units per arm.
    public var counts: [Int]
    /// One row per covariate.
    public var rows: [Row]

    /// Computes the balance of every attribute of `units` (numeric as is, categorical as level proportions).
    public init(units: [ExperimentUnit], assignment: Assignment) throws {
        try Check.sameLength(units.count, assignment.armIndex.count, "Units vs assignment")
        armNames = assignment.armNames
        let armCount = assignment.armNames.count
        counts = (0..<armCount).map { a in assignment.armIndex.filter { $0 == a }.count }
        var columns: [(String, [Double])] = []
        let names = Set(units.flatMap { $0.attributes.keys }).sorted()
        for name in names {
            let values = units.map { $0.attributes[name] }
            if values.allSatisfy({ $0?.number != nil }) {
                columns.append((name, values.map { $0!.number! }))
            } else {
                let levels = Set(values.compactMap { $0?.text }).sorted()
                for level in levels {
                    columns.append(("\(name)=\(level)", values.map { $0?.text == level ? 1 : 0 }))
                }
            }
        }
        rows = columns.map { name, column in
            var means = [Double](repeating: .nan, count: armCount)
            var variances = [Double](repeating: .nan, count: armCount)
            for a in 0..<armCount {
                let xs = zip(column, assignment.armIndex).filter { $0.1 == a }.map(\.0)
                means[a] = Summary.mean(xs)
                variances[a] = Summary.variance(xs)
            }
            let diffs = (0..<armCount).map { a -> Double in
                let pooled = ((variances[a] + variances[0]) / 2).squareRoot()
                if a == 0 { return 0 }
                return pooled > 0 ? (means[a] - means[0]) / pooled : (means[a] == means[0] ? 0 : .infinity)
            }
            return Row(covariate: name, means: means, standardizedDifferences: diffs)
        }
    }
}
