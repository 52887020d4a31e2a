import Foundation
import Testing

/// Runs the built `livinglab` binary (it sits next to the test bundle) in a temporary folder.
struct CLIRunner {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let folder: URL
    /// The repository root, for the example lab's files.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("livinglab")
    }

    static func example(_ path: String) -> String { repository.appendingPathComponent("Examples/bordeaux/\(path)").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("livinglab-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs `livinglab ARGS` in the temporary folder.
    @discardableResult
    func run(_ arguments: String...) throws -> Run { try run(arguments) }

    func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["LIVINGLAB_ACTOR"] = "coord-test"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Writes a file in the temporary folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A lab with the example's firms, merchants and click & collect protocol, approved.
    func exampleLab() throws {
        try expectSuccess(run("init", "--lab-file", Self.example("lab.yaml")))
        for (id, name) in [("panier-malin", "Panier Malin"), ("agenda-quartier", "Agenda Quartier")] {
            try expectSuccess(run("firm", "add", id, "--name", name))
        }
        try expectSuccess(run("merchant", "import", Self.example("merchants.csv")))
        try expectSuccess(run("protocol", "apply", Self.example("protocols/click-and-collect.yaml")))
        try expectSuccess(run("protocol", "approve", "click-collect-2027"))
    }

    func expectSuccess(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 0, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
    }
}
