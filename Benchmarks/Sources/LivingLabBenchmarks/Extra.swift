/// Figures of the plugin runtime and of the statistics.
func extraFigures(quick: Bool) -> [(name: String, body: () throws -> Figure)] {
    [
        ("plugin call", { try RuntimeBenchmarks.pluginCall(calls: quick ? 20_000 : 200_000) }),
        ("exact RI", { try AnalysisBenchmarks.exactRI(repeats: quick ? 3 : 15) }),
        ("Monte Carlo RI", { try AnalysisBenchmarks.monteCarloRI(repeats: quick ? 3 : 15) }),
        ("report", { try ReportBenchmark.report(repeats: quick ? 1 : 5) }),
    ]
}
