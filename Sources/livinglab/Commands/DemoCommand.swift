import ArgumentParser
import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabTrials
import LivingLabStore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build the example lab (the Fondaudège – Le Bouscat street) in a fresh SQLite file and show it.",
        discussion: """
            Loads Examples/bordeaux: 44 merchants, sponsors, firms, the click & collect and appointments protocols with \
            their French and English consent documents, and the tram-works shocks. Then it builds the eligible cohort, \
            invites it, records consents (and one withdrawal), shows the consent gate at work and verifies the audit log. \
            Then it registers the three first-party plugins (built by `swift build` next to livinglab), assigns arms, \
            and runs the 12-week click & collect trial on a simulated clock: customers order through the real plugin, \
            every merchant declares weekly sales, two merchants withdraw. It ends with the trial's report, whose \
            interval for the primary metric contains the effect planted in the simulation.

            Example:
              livinglab demo --db /tmp/demo.sqlite
            """)

    @Option(help: "Where to build the demo lab (replaced if it exists).")
    var db: String = "livinglab-demo.sqlite"
    @Option(help: "The example lab folder.")
    var example: String?
    @Option(help: "The seed of the simulated customers.")
    var seed: UInt64 = DemoLab.seed

    func run() throws {
        let folder = try Self.exampleFolder(example)
        let path = URL(fileURLWithPath: db).standardizedFileURL.path
        // A simulated clock from the start: the lab is set up and merchants consent weeks before the baseline, then
        // the trial's weeks pass in seconds.
        let store = try SimulationLab.freshStore(at: path, firstMonday: try CalendarDay("2027-01-04"))
        var demo = DemoLab(store: store, folder: folder, say: { print($0) }, progress: { Terminal.note($0) })
        try demo.build()
        try demo.runTrial(seed: seed) {
            print("\nThe lab is in \(path). Explore it, e.g.:")
            print("  livinglab --help")
            print("  livinglab consent status --db \(db) --protocol click-collect-2027")
            print("  livinglab report click-collect-2027 --db \(db) --format html --output report.html")
            print("  livinglab audit verify --db \(db)")
            // One-time links into the web portal, made on the real clock (the demo's own ran ahead of it).
            let living = LivingLab(store: try SQLiteLabStore(path: path, clock: SystemClock()), actor: "demo")
            let base = "http://127.0.0.1:8080"
            let links: [(String, LabRole, String?, String)] = [
                ("merchant m04 (Fromagerie Lartigue)", .merchant, "m04", "?next=/portal/trials/click-collect-2027"),
                ("firm panier-malin", .firm, "panier-malin", ""),
                ("sponsor s01", .sponsor, "s01", ""),
                ("coordinator", .coordinator, nil, ""),
            ]
            print("\nThe web portal: run `livinglab serve --db \(db)`, then open one of these one-time links (valid 7 days):")
            for (who, role, subject, next) in links {
                let link = try living.createSignInLink(role: role, subject: subject)
                print("  \(who): \(base)/join/\(link.bearer)\(next)")
            }
        }
    }

    /// The example folder: the given one, or Examples/bordeaux in the LivingLab checkout.
    static func exampleFolder(_ given: String?) throws -> URL {
        if let given {
            let url = URL(fileURLWithPath: given).standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("lab.yaml").path) else {
                throw LabError.notFound("\(given) has no lab.yaml: pass the example lab folder, e.g. --example Examples/bordeaux.")
            }
            return url
        }
        return try repositoryRoot().appendingPathComponent("Examples/bordeaux")
    }

    /// The LivingLab checkout: the current folder or an ancestor of this executable (`.build/debug/livinglab`).
    static func repositoryRoot() throws -> URL {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(executable)
            executable.deleteLastPathComponent()
        }
        for base in candidates
        where FileManager.default.fileExists(atPath: base.appendingPathComponent("Examples/bordeaux/lab.yaml").path)
            && FileManager.default.fileExists(atPath: base.appendingPathComponent("Package.swift").path) {
            return base
        }
        throw LabError.notFound("The LivingLab checkout was not found from here: run from the checkout, or pass the example lab folder with --example.")
    }
}
