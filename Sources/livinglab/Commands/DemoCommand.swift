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
            Loads Examples/bordeaux: 44 merchants, sponsors, firms, the click & collect and appointments protocols with
            their French and English consent documents, and the tram-works shocks. Then it builds the eligible cohort,
            invites it, records consents (and one withdrawal), shows the consent gate at work and verifies the audit log.
            Then it registers the three first-party plugins (built by `swift build` next to livinglab), assigns arms,
            and runs the 12-week click & collect trial on a simulated clock: customers order through the real plugin,
            every merchant declares weekly sales, two merchants withdraw. It ends with the trial's report, whose
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
        var demo = DemoLab(store: store, folder: folder)
        try demo.build()
        try demo.runTrial(seed: seed) {
            print("\nThe lab is in \(path). Explore it, e.g.:")
            print("  livinglab --help")
            print("  livinglab consent status --db \(db) --protocol click-collect-2027")
            print("  livinglab report click-collect-2027 --db \(db) --format html --output report.html")
            print("  livinglab audit verify --db \(db)")
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
        throw LabError.notFound("The LivingLab checkout was not found from here: run from the checkout, or pass its path (--example, --sdk).")
    }
}

/// The demo's steps, printed as they go.
struct DemoLab {
    let store: any LabStore
    let folder: URL
    let actor = "coord-claire"
    let protocolID = "click-collect-2027"

    func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func step(_ title: String) { print("\n== \(title)") }

    mutating func build() throws {
        step("The lab")
        let lab = try LabFiles.lab(at: file("lab.yaml"))
        try store.setLab(lab, actor: actor)
        print("\(lab.name)\n  \(lab.area)")
        print("  segments: " + lab.segments.map { "\($0.name) (\($0.from)–\($0.to) m)" }.joined(separator: ", "))

        step("Firms, sponsors (parrains) and merchants")
        for firm in try LabFiles.firms(at: file("firms.csv")) { try store.addFirm(firm, actor: actor) }
        for sponsor in try LabFiles.sponsors(at: file("sponsors.csv")) { try store.addSponsor(sponsor, actor: actor) }
        let table = try CSVTable(parsing: try readTextFile(file("merchants.csv")), required: CSVImport.merchantColumns)
        let (merchants, problems) = CSVImport.merchants(table)
        guard problems.isEmpty else { throw LabError.invalid("The example merchants.csv has bad rows: \(problems)") }
        try store.addMerchants(merchants, actor: actor)
        print("\(try store.firms().count) firms, \(try store.sponsors().count) sponsors, \(merchants.count) merchants")
        let bySegment = Dictionary(grouping: merchants, by: \.segment)
        for segment in lab.segments.map(\.name) {
            let here = bySegment[segment] ?? []
            let sectors = Dictionary(grouping: here, by: \.sector).map { "\($0.key) \($0.value.count)" }.sorted()
            print("  \(segment.padding(toLength: 16, withPad: " ", startingAt: 0)) \(here.count) shops: \(sectors.joined(separator: ", "))")
        }
        let maturity = Dictionary(grouping: merchants, by: \.maturity).mapValues(\.count)
        print("  digital maturity: " + (0...4).map { "\($0): \(maturity[$0] ?? 0)" }.joined(separator: "  "))

        step("Shocks on the street")
        for shock in try LabFiles.shocks(at: file("shocks.csv")) {
            try store.addShock(shock, actor: actor)
            print("  \(shock.period.start) → \(shock.period.end)  \(shock.kind) on \(shock.segments.joined(separator: ", "))")
        }

        step("Protocols")
        let protocolsFolder = folder.appendingPathComponent("protocols")
        let protocolFiles = try FileManager.default.contentsOfDirectory(atPath: protocolsFolder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        for name in protocolFiles {
            let definition = try LabFiles.protocolDefinition(at: protocolsFolder.appendingPathComponent(name).path)
            _ = try store.applyProtocol(definition, reason: nil, actor: actor)
            let version = try store.approveProtocol(definition.id, actor: actor)
            print("  \(definition.id): \(definition.title)")
            print("    plugin \(definition.plugin.id) (\(definition.firm)), arms \(definition.arms.map(\.name).joined(separator: "/")), design \(definition.design.name)")
            print("    consent documents: " + version.documentHashes.sorted { $0.key < $1.key }.map { "\($0.key) sha256 \($0.value.prefix(12))…" }.joined(separator: ", "))
        }

        step("Cohort and invitations for \(protocolID)")
        let definition = try store.storedProtocol(protocolID).latest.definition
        let cohort = try store.createCohort(name: "click-collect-eligible", criteria: definition.eligibility, actor: actor)
        print("  cohort click-collect-eligible (where \(definition.eligibility)): \(cohort.merchantIDs.count) merchants")
        try store.enroll(cohort.merchantIDs, in: protocolID, actor: actor)
        print("  invited: \(cohort.merchantIDs.joined(separator: ", "))")

        step("Sponsors paired with merchants (non-commercial rule)")
        let sponsors = try store.sponsors()
        var refused: [String] = []
        for (index, merchantID) in cohort.merchantIDs.enumerated() {
            let sponsor = sponsors[index % sponsors.count]
            // Typed throws keep the refusal a LabError value we can inspect without a cast.
            let attempt = Result { () throws(LabError) in try store.pairSponsor(sponsor.id, with: merchantID, actor: actor) }
            if case .failure(let error) = attempt {
                guard error.code == .ruleViolation else { throw error }
                refused.append(error.message)
                try store.pairSponsor(sponsors[(index + 1) % sponsors.count].id, with: merchantID, actor: actor)
            }
        }
        print("  \(cohort.merchantIDs.count) pairings made; \(refused.count) refused and re-paired:")
        for message in refused.prefix(2) { print("    refused: \(message)") }

        step("Consent (append-only ledger)")
        // Most invited merchants opt in, in French; a few read the English sheet; some decline for now.
        let decliners = Set(cohort.merchantIDs.enumerated().filter { $0.offset % 7 == 6 }.map(\.element))
        for (index, merchantID) in cohort.merchantIDs.enumerated() where !decliners.contains(merchantID) {
            try store.giveConsent(merchantID: merchantID, protocolID: protocolID, language: index % 5 == 4 ? "en" : "fr",
                                  channel: index % 3 == 0 ? "paper" : "cli", actor: actor)
        }
        let consenters = cohort.merchantIDs.filter { !decliners.contains($0) }
        let leaver = consenters.last!
        try store.withdrawConsent(merchantID: leaver, protocolID: protocolID, channel: "cli", actor: leaver)
        let statuses = try store.consentStatuses(protocolID: protocolID)
        let counts = Dictionary(grouping: statuses, by: \.state).mapValues(\.count)
        print("  invited \(cohort.merchantIDs.count), consented \(consenters.count), declined so far \(decliners.count), withdrew \(counts[.withdrawn] ?? 0) (\(leaver))")
        print("  by language: " + Dictionary(grouping: statuses, by: { $0.language ?? "-" }).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", "))

        step("The consent gate at work")
        let now = store.now()
        var submissions: [OutcomeSubmission] = []
        for merchantID in cohort.merchantIDs {
            submissions.append(OutcomeSubmission(protocolID: protocolID, merchantID: merchantID, metric: "revenue", value: 100,
                                                 unit: "EUR", at: now, source: "demo", idempotencyKey: "demo:\(merchantID):revenue"))
        }
        let result = try store.recordOutcomes(submissions, actor: actor)
        print("  \(submissions.count) outcomes offered: \(result.stored) stored, \(result.rejected.values.reduce(0, +)) refused ("
            + result.rejected.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", ") + ")")
        let replay = try store.recordOutcomes(submissions, actor: actor)
        print("  replayed the same batch: \(replay.stored) stored, \(replay.duplicates) recognised as already there")

        step("Audit log")
        let verification = try store.verifyAudit()
        guard verification.isIntact else {
            throw LabError(.auditBroken, "The demo's audit log does not verify at entry \(verification.firstBrokenSequence ?? 0).")
        }
        print("  \(verification.entriesChecked) entries, hash chain intact")
    }
}

extension DemoLab {
    /// The simulation's seed and planted effect: with them the report's interval for weekly sales contains the truth
    /// (checked by the demo's CLI test; another seed may land outside a 95% interval one time in twenty).
    static let seed: UInt64 = 2027
    static let effect = 0.15

    /// Registers the plugins, assigns arms, runs the simulated trial and ends with its report (after `beforeReport`).
    func runTrial(seed: UInt64, beforeReport: () -> Void) throws {
        step("Plugins (first-party, trusted: they run in the host process)")
        for name in PluginShelf.firstParty {
            let registration = try PluginShelf.register(try PluginShelf.library(name), in: store, actor: actor)
            print("  \(registration.id)@\(registration.version) (\(registration.firm)), sha256 \(registration.sha256.prefix(16))… pinned")
        }

        step("Arms for \(protocolID) (assigned before the trial, from the protocol's design and seed)")
        let assignment = try ArmAssignerCLI.assign(store: store, protocolID: protocolID, design: nil, seed: nil,
                                                   overrideReason: nil, actor: actor)
        print(assignment.summary.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

        step("A 12-week click & collect trial, on a simulated clock")
        let schedule = try store.storedProtocol(protocolID).latest.definition.schedule
        print("""
              The lab runs on a simulated clock (ManualClock), set on \(Timestamp.format(store.now())), before the baseline: \
            the baseline (\(schedule.baseline)), the trial (\(schedule.trial)) and the follow-up \
            (\(schedule.followUp.map { "\($0)" } ?? "none")) pass in seconds.
              Planted truth: click & collect brings \(Int(Self.effect * 100))% more customers at maturity 2 (2 points more per \
            level); the tram works (sh01) keep 30% of customers away on their segments. Customers of treatment shops order \
            through the real plugin; every merchant declares weekly sales and revenue (all channels).
            """)
        var configuration = StreetSimulation.Configuration(protocolID: protocolID, seed: seed)
        configuration.street.effect.size = Self.effect
        configuration.shockID = "sh01"
        let started = Date()
        let result = try StreetSimulation(store: store, configuration: configuration).run { Terminal.note($0.line) }
        print("  Simulated \(result.baselineWeeks + result.trialWeeks + result.followUpWeeks) weeks in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; now \(Timestamp.format(store.now())), trial \(try store.storedProtocol(protocolID).state.rawValue).")
        print(SimulationLab.describe(result).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        let denials = try store.hostDenialCounts()
        print("  Host calls the consent gate refused to plugins: "
            + (denials.isEmpty ? "none" : denials.map { "\($0.reason) \($0.count)" }.joined(separator: ", ")))
        print("  Outcomes refused by the gate: "
            + (try store.rejectionCounts(protocolID: protocolID).map { "\($0.reason) \($0.count)" }.joined(separator: ", ")))

        let verification = try store.verifyAudit()
        print("  Audit log after the trial: \(verification.entriesChecked) entries, hash chain \(verification.isIntact ? "intact" : "BROKEN")")
        beforeReport()

        step("Report of \(protocolID)")
        var options = ReportOptions()
        options.randomizationDraws = 1_000
        let report = try TrialReport.assemble(from: store, protocolID: protocolID, options: options)
        print(report.textRendering())
        let truth = result.truth
        if let estimate = report.primary?.estimate {
            print("Planted truth: \(String(format: "%+.2f", truth.averageEffect)) \(truth.metric) per merchant-week; "
                + "the report's \(Int((estimate.confidenceLevel * 100).rounded()))% interval "
                + "[\(String(format: "%.2f", estimate.lower)), \(String(format: "%.2f", estimate.upper))] "
                + (estimate.covers(truth.averageEffect) ? "contains it." : "does NOT contain it."))
        } else {
            print("Planted truth: \(String(format: "%+.2f", truth.averageEffect)) \(truth.metric) per merchant-week; the report has no estimate of it.")
        }
    }
}
