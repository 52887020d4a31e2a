import Foundation
import Hummingbird
import LivingLabCore
import LivingLabServer
import LivingLabStore
import LivingLabTrials
import Logging

// The HTTP API under load, driven by wrk on loopback, next to baselines measured in the same run:
//   - a trivial route of a bare Hummingbird app, and GET /health on the lab's server;
//   - the plugin route (a merchant's customer calling the trial's plugin through the placement rule);
//   - the outcome-batch endpoint (batches of 100 new rows each), next to the store's direct ingestion of batches of
//     100 on a copy of the same lab.
// Usage: swift build -c release --package-path Benchmarks && Benchmarks/.build/release/livinglab-http-benchmark [--seconds N]

struct Failure: Error, CustomStringConvertible { var description: String }

@main
enum HTTPBenchmark {
    static let connections = 32
    static func buildLab(at path: String, merchants: [String], library: String) throws -> SQLiteLabStore {
        let store = try SQLiteLabStore(path: path)
        try store.addFirm(Firm(id: "bench", name: "Bench"), actor: "bench")
        try store.addMerchants(merchants.map {
            Merchant(id: $0, name: "Boutique \($0)", sector: "bakery", segment: "S", positionMetres: 10, maturity: 1)
        }, actor: "bench")
        let today = CalendarDay(date: Date())
        let definition = ExperimentProtocol(
            id: "echo", title: "Echo", hypothesis: "Echo answers.", plugin: .init(id: "bench.echo", versions: ">=1.0.0 <2.0.0"),
            firm: "bench", eligibility: "",
            arms: [.init(name: "control", control: true), .init(name: "treatment")],
            design: .init(name: "complete", seed: 1),
            metrics: .init(primary: .init(name: "orders", unit: "count", direction: "increase")),
            schedule: .init(baseline: DayRange(start: today.adding(days: -30), end: today.adding(days: -1)),
                            trial: DayRange(start: today, end: today.adding(days: 60))),
            consent: .init(purposes: [Purpose.participation, Purpose.outcomeMeasurement, Purpose.pluginData],
                           dataCategories: [MerchantDataCategory.profile], documents: ["fr": "Fiche"]),
            onWithdrawal: .keep)
        _ = try store.applyProtocol(definition, reason: nil, actor: "bench")
        try store.approveProtocol("echo", actor: "bench")
        try store.enroll(merchants, in: "echo", actor: "bench")
        for merchant in merchants {
            try store.giveConsent(merchantID: merchant, protocolID: "echo", language: "fr", channel: "bench", actor: merchant)
        }
        try store.commitAssignments(AssignmentPlan(design: "complete", seed: 1, entries: merchants.enumerated().map {
            .init(merchantID: $1, arm: $0 % 2 == 0 ? "treatment" : "control")
        }), protocolID: "echo", actor: "bench")
        try store.setTrialState("echo", to: .running, actor: "bench")
        _ = try LivingLab(store: store, actor: "bench").registerPlugin(at: library, trusted: true, replace: false)
        return store
    }

    struct Load: Sendable {
        var requestsPerSecond: Double
        var p50: String
        var p99: String
        var errors: Int
        var requests: Int
    }

    @Sendable static func wrk(_ url: String, script: String? = nil, seconds: Int, folder: URL) throws -> Load {
        var arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency"]
        if let script {
            let path = folder.appendingPathComponent("script-\(UUID().uuidString).lua").path
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["-s", path]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = arguments + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        func value(after label: String) -> String? {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
                .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
        }
        guard let rate = value(after: "Requests/sec:").flatMap(Double.init) else {
            throw Failure(description: "wrk printed no rate:\n\(output)")
        }
        let requests = output.split(separator: "\n").first { $0.contains("requests in") }
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) } ?? 0
        let non2xx = value(after: "Non-2xx or 3xx responses:").flatMap { Int($0) } ?? 0
        let socket = output.split(separator: "\n").first { $0.contains("Socket errors") }.map { line in
            line.split(separator: ",").compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        } ?? 0
        return Load(requestsPerSecond: rate, p50: value(after: "50%") ?? "?", p99: value(after: "99%") ?? "?",
                    errors: non2xx + socket, requests: requests)
    }

    static func serve<A: ApplicationProtocol>(_ makeApp: @Sendable (@escaping @Sendable (Int) async -> Void) -> A,
                                       _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = makeApp { port in continuation.yield(port) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw Failure(description: "the server did not start") }
            try await body(port)
            group.cancelAll()
        }
    }


    static func main() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning  // as `livinglab serve` logs by default
            return handler
        }
        let arguments = CommandLine.arguments
        let seconds = arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 10

        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("livinglab-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }


        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            print("skipped: wrk is not installed (apt-get install wrk)")
            exit(0)
        }
        let library = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("libBenchEcho.so").path
        guard FileManager.default.fileExists(atPath: library) else {
            throw Failure(description: "\(library) is missing: build with `swift build -c release --package-path Benchmarks`")
        }

        // MARK: The lab: 20 consenting merchants, a running trial of the echo plugin, half of them in treatment.

        let merchants = (1...20).map { String(format: "m%02d", $0) }
        // MARK: wrk

        // MARK: The run

        var rows: [(String, String, String, String, String)] = []
        func add(_ name: String, _ load: Load, scale: Double = 1, unit: String = "req/s") {
            rows.append((name, String(format: "%.0f %@", load.requestsPerSecond * scale, unit), load.p50, load.p99,
                         "\(load.errors) of \(load.requests)"))
        }

        // 1. A bare Hummingbird app with one trivial route.
        var trivial = Load(requestsPerSecond: 0, p50: "", p99: "", errors: 0, requests: 0)
        let trivialBox = LockedBox<Load>()
        try await serve({ onRunning in
            let router = Router()
            router.get("/ping") { _, _ in "pong" }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                               onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
        }) { port in trivialBox.set(try wrk("http://127.0.0.1:\(port)/ping", seconds: seconds, folder: folder)) }
        trivial = trivialBox.get()!
        add("bare Hummingbird, trivial route (baseline)", trivial)

        // 2. The lab's server.
        let store = try buildLab(at: folder.appendingPathComponent("lab.sqlite").path, merchants: merchants, library: library)
        var configuration = LabServer.Configuration()
        configuration.port = 0
        configuration.requestsPerSecond = 1_000_000
        configuration.burst = 1_000_000
        let server = LabServer(store: store, configuration: configuration)
        let token = try LivingLab(store: store, actor: "bench").createToken(role: .firm, subject: "bench", lifetime: nil).bearer
        let health = LockedBox<Load>(), plugin = LockedBox<Load>(), batches = LockedBox<Load>()
        let batchSize = 100
        let treatment = merchants.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        try await serve({ server.application(onServerRunning: $0) }) { port in
            health.set(try wrk("http://127.0.0.1:\(port)/health", seconds: seconds, folder: folder))
            plugin.set(try wrk("http://127.0.0.1:\(port)/v1/merchants/\(treatment[0])/plugins/bench.echo/requests", script: """
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.body = '{"action": "echo", "text": "bonjour", "n": 41}'
                """, seconds: seconds, folder: folder))
            let at = Timestamp.format(Date().addingTimeInterval(120))  // after the consents, within the lab's 5-minute skew
            batches.set(try wrk("http://127.0.0.1:\(port)/v1/protocols/echo/outcomes", script: """
                local counter = 0
                local thread_id = 0
                local merchants = {\(merchants.map { "\"\($0)\"" }.joined(separator: ","))}
                function setup(thread) thread:set("id", math.random(1, 1000000000)) end
                function init(args) thread_id = id end
                request = function()
                  counter = counter + 1
                  local rows = {}
                  for i = 1, \(batchSize) do
                    rows[i] = string.format('{"merchant":"%s","metric":"orders","value":%d,"at":"\(at)","key":"w%d-%d-%d"}',
                                            merchants[(i % #merchants) + 1], i, thread_id, counter, i)
                  end
                  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer \(token)"},
                                    '{"outcomes":[' .. table.concat(rows, ",") .. ']}')
                end
                """, seconds: seconds, folder: folder))
        }
        add("lab server, GET /health", health.get()!)
        add("plugin route (echo, through the placement rule)", plugin.get()!)
        add("outcome batches of 100 over HTTP", batches.get()!, scale: Double(batchSize), unit: "rows/s")

        // 3. The store's direct ingestion, batches of 100, on its own copy of the lab.
        let direct = try buildLab(at: folder.appendingPathComponent("direct.sqlite").path, merchants: merchants, library: library)
        let at = Date().addingTimeInterval(120)
        var stored = 0
        let start = ContinuousClock.now
        var batchIndex = 0
        while ContinuousClock.now - start < .seconds(seconds) {
            let batch = (0..<batchSize).map {
                OutcomeSubmission(protocolID: "echo", merchantID: merchants[$0 % merchants.count], metric: "orders", value: Double($0),
                                  at: at, source: "bench", idempotencyKey: "d\(batchIndex)-\($0)")
            }
            stored += try direct.recordOutcomes(batch, actor: "bench").stored
            batchIndex += 1
        }
        let elapsed = ContinuousClock.now - start
        let directRate = Double(stored) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        rows.append(("store.recordOutcomes, batches of 100 (baseline)", String(format: "%.0f rows/s", directRate), "", "", ""))

        // MARK: Report

        print("LivingLab HTTP load, wrk -t2 -c\(connections) -d\(seconds)s on loopback, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("| what | rate | p50 | p99 | errors |")
        print("|---|---|---|---|---|")
        for row in rows { print("| \(row.0) | \(row.1) | \(row.2) | \(row.3) | \(row.4) |") }
        let pluginRatio = plugin.get()!.requestsPerSecond / trivial.requestsPerSecond
        let batchRatio = batches.get()!.requestsPerSecond * Double(batchSize) / directRate
        let errors = health.get()!.errors + plugin.get()!.errors + batches.get()!.errors
        print(String(format: "plugin route / trivial route: %.2f (target >= 0.60: %@)", pluginRatio, pluginRatio >= 0.6 ? "met" : "NOT met"))
        print(String(format: "outcome batches over HTTP / direct ingestion: %.2f (target >= 0.50: %@)", batchRatio, batchRatio >= 0.5 ? "met" : "NOT met"))
        print("error responses under load: \(errors) (target 0: \(errors == 0 ? "met" : "NOT met"))")


    }
}

/// A value set by one task and read after it ends.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ new: T) { lock.lock(); value = new; lock.unlock() }
    func get() -> T? { lock.lock(); defer { lock.unlock() }; return value }
}
