import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Register, inspect, scaffold and call solution plugins.",
        subcommands: [Register.self, List.self, Inspect.self, New.self, Call.self])

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a plugin binary, pinning its SHA-256.",
            discussion: """
                The plugin's firm must be registered. A binary that changes on disk afterwards is refused until it is \
                registered again with --replace. Plugins run in their own worker process unless registered --trusted.

                Examples:
                  livinglab plugin register .build/debug/libClickAndCollect.so --trusted
                  livinglab plugin register ./libStampCard.so
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The plugin's shared library (.so).") var path: String
        @Flag(help: "Run it inside the host process (first-party plugins); otherwise it runs in a worker process.") var trusted = false
        @Flag(help: "Replace an already registered binary of the same id and version.") var replace = false

        func run() throws {
            let registration = try lab.livingLab().registerPlugin(at: path, trusted: trusted, replace: replace)
            if output.format == .json { return try JSONOutput.print(registration) }
            let r = registration
            print("Registered \(r.id)@\(r.version) (\(r.firm)), sha256 \(r.sha256), \(trusted ? "in-process" : "isolated in a worker process").")
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
            let binary = try LivingLab.inspectPlugin(at: path)
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
            print(try lab.livingLab().callPlugin(protocolID: protocolID, merchantID: merchant, request: request))
        }
    }
}
