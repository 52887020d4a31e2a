import ArgumentParser
import Foundation
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
}

/// The `--format` option of read commands.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text
}

/// Reads a text file, with an error that names it.
func readTextFile(_ path: String) throws -> String {
    guard FileManager.default.fileExists(atPath: path) else {
        throw LabError.notFound("There is no file at \(path): check the path.")
    }
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw LabError.invalid("\(path) could not be read as UTF-8 text: save it as UTF-8.")
    }
    return text
}

/// Splits a comma-separated option value into trimmed, non-empty items.
func splitList(_ value: String?) -> [String]? {
    value.map { $0.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty } }
}
