import ArgumentParser
import Foundation
import LivingLabTrials
import LivingLabCore
import LivingLabStore

/// Options every command that touches a lab database takes.
struct LabOptions: ParsableArguments {
    @Option(name: .long, help: "The lab database (an SQLite file; default: $LIVINGLAB_DB, then ./livinglab.sqlite).")
    var db: String = ProcessInfo.processInfo.environment["LIVINGLAB_DB"] ?? "livinglab.sqlite"

    @Option(name: .long, help: "Who is acting, for the audit log (default: $LIVINGLAB_ACTOR, then $USER).")
    var actor: String?

    /// The actor recorded in audit entries.
    var who: String {
        actor ?? ProcessInfo.processInfo.environment["LIVINGLAB_ACTOR"] ?? ProcessInfo.processInfo.environment["USER"]
            ?? "coordinator"
    }

    /// The absolute path of the database.
    var path: String { URL(fileURLWithPath: db).standardizedFileURL.path }

    /// Opens the lab database; refuses to create one by accident outside `init` and `demo`.
    func open(creating: Bool = false) throws -> any LabStore {
        if !creating, !FileManager.default.fileExists(atPath: path) {
            throw LabError.notFound("There is no lab database at \(path): create one with `livinglab init`, or pass --db PATH.")
        }
        return try SQLiteLabStore(path: path)
    }

    /// The lab's use cases on this database, done by ``who``.
    func livingLab(creating: Bool = false) throws -> LivingLab { LivingLab(store: try open(creating: creating), actor: who) }
}

/// The `--format` option: read commands print what they read, write commands what they stored.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text
}

/// Splits a comma-separated option value into trimmed, non-empty items.
func splitList(_ value: String?) -> [String]? {
    value.map { $0.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty } }
}
