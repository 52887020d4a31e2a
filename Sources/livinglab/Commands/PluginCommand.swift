import ArgumentParser
import Foundation
import LivingLabCore

import LivingLabTrials
import LivingLabRuntime
import LivingLabStore

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Register, inspect, scaffold and call solution plugins.",
        subcommands: [Register.self, List.self, Inspect.self, New.self, Call.self, Denials.self])

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a plugin binary, pinning its SHA-256.",
            discussion: """
                The plugin's firm must be registered. A binary that changes on disk afterwards is refused until it is
                registered again with --replace. Plugins run in their own worker process unless registered --trusted.

                Examples:
                  livinglab plugin register .build/debug/libClickAndCollect.so --trusted
                  livinglab plugin register ./libStampCard.so
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The plugin's shared library (.so).") var path: String
        @Flag(help: "Run it inside the host process (first-party plugins); otherwise it runs in a worker process.") var trusted = false
        @Flag(help: "Replace an already registered binary of the same id and version.") var replace = false

        func run() throws {
            let store = try lab.open()
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            let binary = try PluginCommand.load(absolute)
            let manifest = binary.manifest
            if let existing = try store.plugin(id: manifest.id).first(where: { $0.version == manifest.version }),
               existing.sha256 != binary.sha256, !replace {
                throw LabError.conflict("\(manifest.id)@\(manifest.version) is already registered with another binary (sha256 \(existing.sha256.prefix(16))…, now \(binary.sha256.prefix(16))…). Bump the plugin's version, or pass --replace if the firm ships this binary on purpose.")
            }
            try store.registerPlugin(
                PluginRegistration(id: manifest.id, version: manifest.version, firm: manifest.firm, path: absolute, sha256: binary.sha256,
                                   manifest: binary.manifestJSON, registeredAt: store.now(), isolation: trusted ? "in-process" : "isolated"),
                actor: lab.who)
            print("Registered \(manifest.id)@\(manifest.version) (\(manifest.firm)), sha256 \(binary.sha256), \(trusted ? "in-process" : "isolated in a worker process").")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered plugins.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let plugins = try lab.open().plugins()
            if output.format == .json { return try JSONOutput.print(plugins) }
            var table = TextTable("id", "version", "firm", "mode", "sha256", "path")
            for p in plugins { table.add(p.id, p.version, p.firm, p.isolation, String(p.sha256.prefix(16)) + "…", p.path) }
            print(plugins.isEmpty ? "No plugin registered: `livinglab plugin register PATH`." : table.rendered)
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a plugin binary and print its manifest, without registering it.",
            discussion: "Example:\n  livinglab plugin inspect .build/debug/libClickAndCollect.so")
        @OptionGroup var output: FormatOption
        @Argument(help: "The plugin's shared library (.so).") var path: String

        func run() throws {
            let binary = try PluginCommand.load(URL(fileURLWithPath: path).standardizedFileURL.path)
            if output.format == .json {
                print(binary.manifestJSON)
                return
            }
            let m = binary.manifest
            for check in PluginLoader.checks { print("  ✓ \(check.check)") }
            print("""
                \(m.id)@\(m.version) — \(m.name) (firm \(m.firm)), ABI \(binary.abiVersion)
                  \(m.summary)
                  capabilities: \(m.capabilities.joined(separator: ", "))
                  metrics: \(m.metrics.map { "\($0.name) (\($0.unit), \($0.direction.rawValue))" }.joined(separator: ", "))
                  data categories: \(m.dataCategories.joined(separator: ", "))
                  sha256: \(binary.sha256)
                """)
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scaffold a plugin package that builds against the LivingLab SDK.",
            discussion: """
                The package depends on the published SDK by URL and version, so it builds anywhere; pass --sdk with \
                the SDK/ folder of a LivingLab checkout to build against local changes.

                Examples:
                  livinglab plugin new LoyaltyCard --output ~/code
                  livinglab plugin new LoyaltyCard --sdk ~/src/livinglab/SDK
                """)
        @Argument(help: "The plugin's name, e.g. LoyaltyCard.") var name: String
        @Option(help: "The folder to create the package in.") var output: String = "."
        @Option(help: "A local folder holding the SDK package (the SDK/ folder of a LivingLab checkout).") var sdk: String?
        @Option(help: "The SDK's repository, when it is not the published one.") var sdkURL: String = PluginScaffold.sdkURL
        @Option(help: "The lowest SDK version the package accepts.") var sdkVersion: String = LivingLabVersion.current

        func run() throws {
            let folder = URL(fileURLWithPath: output).appendingPathComponent(name).standardizedFileURL
            let source: PluginScaffold.SDKSource
            if let sdk {
                let manifest = URL(fileURLWithPath: sdk).appendingPathComponent("Package.swift").path
                guard (try? String(contentsOfFile: manifest, encoding: .utf8))?.contains("LivingLabPluginKit") == true else {
                    throw LabError.invalid("\(sdk) holds no LivingLab SDK package: pass the SDK/ folder of a LivingLab checkout, or leave out --sdk to use the published SDK.")
                }
                source = .path(sdk)
            } else {
                _ = try SemanticVersion(sdkVersion)
                source = .url(sdkURL, from: sdkVersion)
            }
            let files: [String]
            do {
                files = try PluginScaffold.write(name: name, to: folder, sdk: source)
            } catch {
                throw LabError.invalid("Could not scaffold \(name): \(error)")
            }
            print("Created \(folder.path):")
            for file in files { print("  \(file)") }
            print("Next: cd \(folder.path) && swift build && swift test")
        }
    }

    struct Call: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a request to a trial's plugin for a merchant (refused unless the plugin is active for them).",
            discussion: """
                Examples:
                  livinglab plugin call click-collect-2027 m04 '{"action": "listSlots", "day": "2027-03-02"}'
                  livinglab plugin call click-collect-2027 m04 '{"action": "summary"}'
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The protocol whose plugin to call.") var protocolID: String
        @Argument(help: "The merchant the request is for.") var merchant: String
        @Argument(help: "The request, as JSON with an `action`.") var request: String

        func run() throws {
            _ = try JSONValue.parse(request)
            let runner = try TrialRunner(store: try lab.open(), protocolID: protocolID)
            print(try runner.call(merchant, request: request))
        }
    }

    struct Denials: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show host calls the consent gate refused to plugins, per reason.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let counts = try lab.open().hostDenialCounts()
            if output.format == .json {
                struct Line: Encodable { var plugin: String, reason: String, count: Int }
                return try JSONOutput.print(counts.map { Line(plugin: $0.pluginID, reason: $0.reason, count: $0.count) })
            }
            var table = TextTable("plugin", "reason", "count")
            for c in counts { table.add(c.pluginID, c.reason, "\(c.count)") }
            print(counts.isEmpty ? "No host call was refused." : table.rendered)
        }
    }

    /// Loads a plugin binary for its manifest, turning loader errors into user errors that say what to do.
    static func load(_ path: String) throws -> PluginBinary {
        do {
            return try PluginLoader.load(path: path)
        } catch {
            throw LabError(.invalidInput, error.description)
        }
    }
}

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign consented merchants to arms with the protocol's design and recorded seed, and show the balance.",
        discussion: """
            The assignment is committed before the trial starts and never changes silently: re-assigning needs
            --override-reason, and is audited.

            Examples:
              livinglab assign click-collect-2027
              livinglab assign click-collect-2027 --design rerandomisation --seed 42
              livinglab assign click-collect-2027 --override-reason "m12 closed for good"
            """)
    @OptionGroup var lab: LabOptions
    @OptionGroup var output: FormatOption
    @Argument(help: "The protocol's id.") var protocolID: String
    @Option(help: "Another design than the protocol's: complete, blocked, matched-pairs, rerandomisation, stepped-wedge.") var design: String?
    @Option(help: "Another seed than the protocol's.") var seed: UInt64?
    @Option(help: "Why an existing assignment must change (a coordinator's decision, audited).") var overrideReason: String?

    func run() throws {
        let result = try ArmAssignerCLI.assign(store: try lab.open(), protocolID: protocolID, design: design, seed: seed,
                                               overrideReason: overrideReason, actor: lab.who)
        if output.format == .json { return try JSONOutput.print(result.plan) }
        print(result.summary)
    }
}

struct TrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trial",
        abstract: "Start, pause, resume and stop a protocol's trial (activating its plugin for treatment merchants).",
        subcommands: [Start.self, Pause.self, Resume.self, Stop.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the trial: assigned merchants become active; the plugin is activated for those in a treatment arm.",
            discussion: "Example:\n  livinglab trial start click-collect-2027")
        @OptionGroup var lab: LabOptions
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            let store = try lab.open()
            let runner = try TrialRunner(store: store, protocolID: protocolID)
            let merchants = try store.setTrialState(protocolID, to: .running, actor: lab.who)
            let (activated, refused) = try runner.activateTreatmentMerchants()
            print("Trial \(protocolID) is running with \(merchants.count) merchant(s); \(runner.registration.id)@\(runner.registration.version) activated for \(activated.count) in treatment arms.")
            for (merchant, reason) in refused.sorted(by: { $0.key < $1.key }) { print("  not activated for \(merchant): \(reason)") }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a running trial: plugins stop serving its merchants.")
        @OptionGroup var lab: LabOptions
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            try lab.open().setTrialState(protocolID, to: .paused, actor: lab.who)
            print("Trial \(protocolID) is paused: its plugin's host calls are refused until `livinglab trial resume \(protocolID)`.")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused trial.")
        @OptionGroup var lab: LabOptions
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            let store = try lab.open()
            let runner = try TrialRunner(store: store, protocolID: protocolID)
            try store.setTrialState(protocolID, to: .running, actor: lab.who)
            let (activated, _) = try runner.activateTreatmentMerchants()
            print("Trial \(protocolID) is running again; plugin active for \(activated.count) merchant(s).")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a trial for good: its merchants complete it.")
        @OptionGroup var lab: LabOptions
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            let merchants = try lab.open().setTrialState(protocolID, to: .stopped, actor: lab.who)
            print("Trial \(protocolID) is stopped; \(merchants.count) merchant(s) completed it.")
        }
    }
}
