import Foundation

/// Samples of one figure (per-operation times in nanoseconds, or rates), summarised as min / median / p99 / max.
struct Samples: Codable {
    var values: [Double]

    init(_ values: [Double]) { self.values = values.sorted() }

    func quantile(_ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let position = q * Double(values.count - 1)
        let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
        return values[low] + (values[high] - values[low]) * (position - Double(low))
    }

    var min: Double { values.first ?? .nan }
    var median: Double { quantile(0.5) }
    var p99: Double { quantile(0.99) }
    var max: Double { values.last ?? .nan }
}

/// Times `body` and returns the elapsed nanoseconds.
@inline(__always)
func nanoseconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
}

/// One row of the results table.
struct Figure: Codable {
    var name: String
    var unit: String
    var samples: Samples
    /// The baseline measured in the same run, if the figure has one.
    var baseline: Samples?
    var baselineName: String?
    /// Whether a larger value is better (rates) or a smaller one (times, bytes).
    var higherIsBetter: Bool
    /// The target, as text, and whether it is met.
    var target: String
    var met: Bool
    /// What dominates the cost, in a few words.
    var note: String

    /// The figure's median over the baseline's median, as "figure / baseline".
    var ratio: Double? { baseline.map { samples.median / $0.median } }
}

func format(_ value: Double, _ unit: String) -> String {
    switch unit {
    case "ns":
        if value >= 1e9 { return String(format: "%.2f s", value / 1e9) }
        if value >= 1e6 { return String(format: "%.2f ms", value / 1e6) }
        if value >= 1e3 { return String(format: "%.2f µs", value / 1e3) }
        return String(format: "%.0f ns", value)
    case "rows/s": return String(format: "%.0f rows/s", value)
    case "MB": return String(format: "%.1f MB", value)
    default: return String(format: "%.3g %@", value, unit)
    }
}

/// Prints the results table in Markdown, ready to paste into BENCHMARKS.md.
func printTable(_ figures: [Figure]) {
    print("| figure | median | p99 | min | max | baseline (median) | ratio | target | met |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in figures {
        let baseline = f.baseline.map { "\(f.baselineName ?? "baseline"): \(format($0.median, f.unit))" } ?? "—"
        let ratio = f.ratio.map { String(format: "%.2f×", $0) } ?? "—"
        print("| \(f.name) | \(format(f.samples.median, f.unit)) | \(format(f.samples.p99, f.unit)) | \(format(f.samples.min, f.unit)) | \(format(f.samples.max, f.unit)) | \(baseline) | \(ratio) | \(f.target) | \(f.met ? "yes" : "NO") |")
    }
    print("")
    for f in figures { print("- \(f.name): \(f.note)") }
}
