import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabPluginTesting
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials
import Testing

/// Runs the built `livinglab` binary (it sits next to the test bundle) in a temporary folder.
public struct CLIRunner {
    public struct Run {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Removed with everything in it when the fixture goes away.
    public let temporary: TemporaryFolder
    public var folder: URL { temporary.url }
    /// The repository root, for the example lab's files.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static var binary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("livinglab")
    }

    public static func example(_ path: String) -> String { repository.appendingPathComponent("Examples/bordeaux/\(path)").path }

    public init() throws {
        let temporary = try TemporaryFolder("cli")
        self.temporary = temporary
    }

    /// Runs `livinglab ARGS` in the temporary folder.
    @discardableResult
    public func run(_ arguments: String...) throws -> Run { try run(arguments) }

    /// - Parameter merged: standard error goes into the same pipe as standard output (as on a terminal), and the run's
    ///   `stdout` holds both in the order they were written.
    public func run(_ arguments: [String], environment extra: [String: String] = [:], merged: Bool = false) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["LIVINGLAB_ACTOR"] = "coord-test"
        environment["LIVINGLAB_DB"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = merged ? out : err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        // A merged run never hands the error pipe to the child: its write end stays open here, so it is not read.
        let stderr = merged ? Data() : err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Writes a file in the temporary folder and returns its path.
    public func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A lab with the example's firms, merchants and click & collect protocol, approved.
    public func exampleLab() throws {
        try expectSuccess(run("init", "--lab-file", Self.example("lab.yaml")))
        for (id, name) in [("panier-malin", "Panier Malin"), ("agenda-quartier", "Agenda Quartier")] {
            try expectSuccess(run("firm", "add", id, "--name", name))
        }
        try expectSuccess(run("merchant", "import", Self.example("merchants.csv")))
        try expectSuccess(run("protocol", "apply", Self.example("protocols/click-and-collect.yaml")))
        try expectSuccess(run("protocol", "approve", "click-collect-2027"))
    }

    public func expectSuccess(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 0, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
    }
}
