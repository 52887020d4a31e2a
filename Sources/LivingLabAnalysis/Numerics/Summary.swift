import Foundation

/// Small descriptive statistics.
enum Summary {
    static func mean(_ xs: [Double]) -> Double {
        xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count)
    }

    /// The sample variance (n − 1 denominator); NaN below two values.
    static func variance(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return .nan }
        let m = mean(xs)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    }
}

/// Label recoding for factors.
enum Recode {
    /// Maps arbitrary labels to 0..<k in order of first appearance.
    static func dense<T: Hashable>(_ labels: [T]) -> [Int] {
        var map: [T: Int] = [:]
        return labels.map { label in
            if let v = map[label] { return v }
            let v = map.count
            map[label] = v
            return v
        }
    }
}
