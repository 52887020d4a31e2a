import Foundation

// LivingLab's benchmark suite: every figure next to a baseline measured in the same run.
// Usage (see BENCHMARKS.md): swift build -c release --package-path Benchmarks && Benchmarks/.build/release/livinglab-benchmarks [--quick] [--only NAME]
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

/// The suite, in the order the table lists it. Each group runs in a fresh child process: a figure measured after
/// another one's million consent events or outcomes were allocated and freed pays for that heap (the plugin call was
/// 1.9× slower at the end of a single-process run than on its own).
let groups: [(name: String, run: () throws -> [Figure])] = [
    ("ingestion", { [try StoreBenchmarks.ingestion(batches: quick ? 10 : 40)] }),
    ("durable single outcome", { try StoreBenchmarks.durableSingle(count: quick ? 60 : 300) }),
    ("consent gate", { try StoreBenchmarks.gateDecision(eventsPerPair: quick ? 100 : 1000) }),
    ("memory", {
        let idle = try child("idle")
        let peak = try child("ingest-million")
        return [Figure(name: "peak memory ingesting 1 M outcomes", unit: "MB", samples: Samples([peak]), baseline: Samples([idle]),
                       baselineName: "idle process", higherIsBetter: false, target: "< 200 MB", met: peak < 200,
                       note: "batches of 1,000 through the store API; SQLite's page cache and GRDB's statement cache stay bounded")]
    }),
] + extraFigures(quick: quick).map { extra in (extra.name, { [try extra.body()] }) }

if let index = arguments.firstIndex(of: "--figure"), arguments.index(after: index) < arguments.endIndex {
    // A child: run one group and hand its figures to the parent as JSON.
    let name = arguments[arguments.index(after: index)]
    guard let group = groups.first(where: { $0.name == name }) else {
        FileHandle.standardError.write(Data("no benchmark named \(name)\n".utf8))
        exit(2)
    }
    FileHandle.standardOutput.write(try JSONEncoder().encode(try group.run()))
    exit(0)
}

var figures: [Figure] = []
for group in groups {
    if let only, !group.name.contains(only) { continue }
    FileHandle.standardError.write(Data("running: \(group.name)…\n".utf8))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = ["--figure", group.name] + (quick ? ["--quick"] : [])
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    do {
        guard process.terminationStatus == 0 else { throw BenchmarkError("exit status \(process.terminationStatus)") }
        figures += try JSONDecoder().decode([Figure].self, from: output)
    } catch {
        FileHandle.standardError.write(Data("  failed: \(error)\n".utf8))
    }
}

print("")
print("LivingLab benchmarks — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(quick ? "quick" : "full") run, \(Date())")
print("")
printTable(figures)
