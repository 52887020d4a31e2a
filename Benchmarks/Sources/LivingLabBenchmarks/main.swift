import Foundation

// LivingLab's benchmark suite: every figure next to a baseline measured in the same run.
// Usage: swift run -c release --package-path Benchmarks livinglab-benchmarks [--quick]
let arguments = CommandLine.arguments.dropFirst()

if arguments.first == "--child" {
    // A child process measures peak memory on its own, away from the parent's allocations.
    switch arguments.dropFirst().first {
    case "ingest-million": print(try StoreBenchmarks.ingestMillion())
    case "idle": print(peakResidentMB())
    default: break
    }
    exit(0)
}

let quick = arguments.contains("--quick")
/// `--only NAME` runs the figures whose name contains NAME.
let only = arguments.firstIndex(of: "--only").flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[arguments.index(after: $0)] : nil }

func child(_ mode: String) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = ["--child", mode]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard let value = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw BenchmarkError("child \(mode) printed \(output)")
    }
    return value
}

var figures: [Figure] = []
@MainActor
func runAll(_ name: String, _ body: () throws -> [Figure]) {
    if let only, !name.contains(only) { return }
    FileHandle.standardError.write(Data("running: \(name)…\n".utf8))
    do {
        figures += try body()
    } catch {
        FileHandle.standardError.write(Data("  failed: \(error)\n".utf8))
    }
}

@MainActor
func run(_ name: String, _ body: () throws -> Figure) {
    if let only, !name.contains(only) { return }
    FileHandle.standardError.write(Data("running: \(name)…\n".utf8))
    do {
        figures.append(try body())
    } catch {
        FileHandle.standardError.write(Data("  failed: \(error)\n".utf8))
    }
}

run("ingestion") { try StoreBenchmarks.ingestion(batches: quick ? 10 : 40) }
runAll("durable single outcome") { try StoreBenchmarks.durableSingle(count: quick ? 60 : 300) }
runAll("consent gate") { try StoreBenchmarks.gateDecision(eventsPerPair: quick ? 100 : 1000) }
run("memory") {
    let idle = try child("idle")
    let peak = try child("ingest-million")
    return Figure(name: "peak memory ingesting 1 M outcomes", unit: "MB", samples: Samples([peak]), baseline: Samples([idle]),
                  baselineName: "idle process", higherIsBetter: false, target: "< 200 MB", met: peak < 200,
                  note: "batches of 1,000 through the store API; SQLite's page cache and GRDB's statement cache stay bounded")
}
for extra in extraFigures(quick: quick) { run(extra.name, extra.body) }

print("")
print("LivingLab benchmarks — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(quick ? "quick" : "full") run, \(Date())")
print("")
printTable(figures)
