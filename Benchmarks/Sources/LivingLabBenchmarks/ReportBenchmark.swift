import Foundation
import LivingLabCore

import LivingLabTrials
import LivingLabStore

enum ReportBenchmark {
    /// The report of a 52-week trial with 200 merchants and about 1,000,000 outcomes: assembled from the store and
    /// rendered as text.
    static func report(repeats: Int) throws -> Figure {
        // Consents on 2027-01-01, before a baseline that starts on 2027-01-04 and lasts 26 weeks, then 26 trial weeks.
        let clock = ManualClock(try CalendarDay("2027-01-01").startOfDay)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("livinglab-bench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = StoreConfiguration(path: folder.appendingPathComponent("lab.sqlite").path)
        configuration.clock = clock
        configuration.durability = .normal
        let store = try SQLiteLabStore(configuration)
        let merchants = (1...200).map { String(format: "m%03d", $0) }
        try store.addFirm(Firm(id: "firm", name: "Firm"), actor: "bench")
        try store.addMerchants(merchants.enumerated().map { index, id in
            Merchant(id: id, name: "Shop \(id)", sector: "bakery", segment: "S\(index % 5)", positionMetres: index, maturity: index % 5)
        }, actor: "bench")
        var definition = try BenchmarkLab.definition("year")
        definition.schedule = .init(baseline: DayRange(start: try CalendarDay("2027-01-04"), end: try CalendarDay("2027-07-04")),
                                    trial: DayRange(start: try CalendarDay("2027-07-05"), end: try CalendarDay("2028-01-02")))
        definition.metrics = .init(primary: .init(name: "weekly_sales", unit: "count", direction: "increase"),
                                   secondary: [.init(name: "orders", unit: "count", direction: "increase")])
        _ = try store.applyProtocol(definition, reason: nil, actor: "bench")
        try store.approveProtocol("year", actor: "bench")
        try store.enroll(merchants, in: "year", actor: "bench")
        for merchant in merchants {
            try store.giveConsent(merchantID: merchant, protocolID: "year", language: "fr", channel: "bench", actor: "bench")
        }
        try store.commitAssignments(AssignmentPlan(design: "complete", seed: 1, entries: merchants.enumerated().map {
            .init(merchantID: $0.element, arm: $0.offset % 2 == 0 ? "control" : "treatment")
        }), protocolID: "year", actor: "bench")
        var random = SystemRandomNumberGenerator()
        let start = try CalendarDay("2027-01-04").startOfDay
        var batch: [OutcomeSubmission] = []
        for week in 0..<52 {
            for (index, merchant) in merchants.enumerated() {
                let at = start.addingTimeInterval(Double(week) * 7 * 86_400 + 6 * 86_400)
                let lift = index % 2 == 1 && week >= 26 ? 5.0 : 0
                batch.append(OutcomeSubmission(protocolID: "year", merchantID: merchant, metric: "weekly_sales",
                                               value: 80 + lift + Double.random(in: -10...10, using: &random), at: at,
                                               source: "declaration", idempotencyKey: "\(merchant)/\(week)/weekly_sales"))
                for order in 0..<95 {
                    batch.append(OutcomeSubmission(protocolID: "year", merchantID: merchant, metric: "orders", value: 1,
                                                   at: at.addingTimeInterval(-Double(order) * 600), source: "plugin",
                                                   idempotencyKey: "\(merchant)/\(week)/\(order)/orders"))
                }
                if batch.count >= 5000 {
                    try store.recordOutcomes(batch, actor: "bench")
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        try store.recordOutcomes(batch, actor: "bench")
        let count = try store.outcomeCount(protocolID: "year")
        var times: [Double] = []
        var length = 0
        for _ in 0..<repeats {
            times.append(try nanoseconds {
                let report = try TrialReport.assemble(from: store, protocolID: "year")
                length = report.textRendering().count
            })
        }
        precondition(length > 0)
        let figure = Samples(times)
        return Figure(name: "report over \(count) outcomes (200 merchants × 52 weeks × 2 metrics)", unit: "ns", samples: figure,
                      baseline: nil, baselineName: nil, higherIsBetter: false, target: "< 2 s", met: figure.median < 2e9,
                      note: "SQLite summing the outcomes into merchant-weeks (GROUP BY); the estimators then work on 10,400 merchant-weeks")
    }
}
