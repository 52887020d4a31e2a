import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabTrials
import LivingLabStore

struct ProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "Write, amend, approve and read experiment protocols.",
        subcommands: [Apply.self, Show.self, History.self, Approve.self, List.self])

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a protocol from a YAML file, or amend it (prints the diff and whether it is material).",
            discussion: """
                A material amendment (purposes, data categories, consent documents, plugin, arms, withdrawal policy) \
                means merchants must renew their consent once the new version is approved. Every amendment needs \
                --reason.

                Examples:
                  livinglab protocol apply Examples/bordeaux/protocols/click-and-collect.yaml
                  livinglab protocol apply click-and-collect.yaml --reason "Add delivery data for the follow-up"
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol YAML file.") var file: String
        @Option(help: "Why the protocol changes (required for an amendment).") var reason: String?

        func run() throws {
            let definition = try LabFiles.protocolDefinition(at: file)
            let result = try lab.livingLab().applyProtocol(definition, reason: reason)
            if output.format == .json {
                struct Result: Encodable {
                    var kind: String, protocolID: String, version: Int, material: Bool, changes: [ProtocolChange]
                }
                return try JSONOutput.print(Result(kind: result.kind.rawValue, protocolID: result.protocolID, version: result.version,
                                                   material: result.diff.isMaterial, changes: result.diff.changes))
            }
            switch result.kind {
            case .created:
                print("Created protocol \(result.protocolID), version 1 (draft). Approve it with `livinglab protocol approve \(result.protocolID)`.")
            case .unchanged:
                print("Protocol \(result.protocolID) is unchanged (version \(result.version)).")
            case .amended:
                print("Amended protocol \(result.protocolID): version \(result.version), \(result.diff.isMaterial ? "MATERIAL — merchants must renew their consent once approved" : "not material")")
                for change in result.diff.changes {
                    print("  \(change.material ? "*" : " ") \(change.field): \(change.before)  →  \(change.after)")
                }
                print("Approve it with `livinglab protocol approve \(result.protocolID)`.")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a protocol's current version and trial state.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var id: String

        func run() throws {
            let store = try lab.open()
            let stored = try store.storedProtocol(id)
            let version = stored.latest
            if output.format == .json {
                struct Detail: Encodable {
                    var state: TrialState, version: ProtocolVersion, enrollments: [Enrollment]
                }
                return try JSONOutput.print(Detail(state: stored.state, version: version, enrollments: try store.enrollments(in: id)))
            }
            let p = version.definition
            print("""
                \(p.id) — \(p.title)
                  state: \(stored.state.rawValue); version \(version.version)\(version.approvedAt.map { ", approved \(Timestamp.format($0)) by \(version.approvedBy ?? "?")" } ?? " (not approved)")
                  hypothesis: \(p.hypothesis)
                  plugin: \(p.plugin.id) \(p.plugin.versions) (firm \(p.firm))
                  eligibility: \(p.eligibility.isEmpty ? "every merchant" : p.eligibility)
                  arms: \(p.arms.map { "\($0.name) ×\($0.weight)\($0.control ? " (control)" : " \($0.configuration)")" }.joined(separator: "; "))
                  design: \(p.design.name), seed \(p.design.seed)\(p.design.blockBy.map { ", blocks by \($0.joined(separator: " × "))" } ?? "")
                  metrics: primary \(p.metrics.primary.name) (\(p.metrics.primary.direction)); secondary \(p.metrics.secondary.map(\.name).joined(separator: ", ")); guardrails \(p.metrics.guardrails.map(\.name).joined(separator: ", "))
                  schedule: baseline \(p.schedule.baseline), trial \(p.schedule.trial)\(p.schedule.followUp.map { ", follow-up \($0)" } ?? "")
                  consent: purposes \(p.consent.purposes.joined(separator: ", ")); data \(p.consent.dataCategories.joined(separator: ", "))
                  documents: \(version.documentHashes.sorted { $0.key < $1.key }.map { "\($0.key) sha256 \($0.value.prefix(16))…" }.joined(separator: "; "))
                  on withdrawal: \(p.onWithdrawal.rawValue)
                """)
            let enrollments = try store.enrollments(in: id)
            let counts = Dictionary(grouping: enrollments, by: \.state).mapValues(\.count)
            print("  enrollments: " + Enrollment.State.allCases.compactMap { s in counts[s].map { "\(s.rawValue) \($0)" } }.joined(separator: ", "))
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a protocol's versions and amendments.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var id: String

        func run() throws {
            let stored = try lab.open().storedProtocol(id)
            if output.format == .json { return try JSONOutput.print(stored.versions) }
            var table = TextTable("version", "created", "material", "approved", "reason")
            for v in stored.versions {
                table.add("\(v.version)", Timestamp.format(v.createdAt), v.version == 1 ? "-" : (v.material ? "yes" : "no"),
                          v.approvedAt.map(Timestamp.format) ?? "not yet", v.amendmentReason ?? "first version")
            }
            print(table.rendered)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a protocol's newest version, so merchants can consent to it.",
            discussion: "Example:\n  livinglab protocol approve click-collect-2027 --actor coord-claire")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var id: String

        func run() throws {
            let version = try lab.livingLab().approveProtocol(id)
            if output.format == .json { return try JSONOutput.print(version) }
            print("Approved version \(version.version) of \(id).\(version.material ? " It is a material amendment: consents to earlier versions must be renewed." : "")")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List protocols.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let store = try lab.open()
            let protocols = try store.protocolIDs().map { try store.storedProtocol($0) }
            if output.format == .json {
                struct Line: Encodable { var id: String, state: TrialState, version: Int, title: String }
                return try JSONOutput.print(protocols.map { Line(id: $0.id, state: $0.state, version: $0.latest.version, title: $0.latest.definition.title) })
            }
            var table = TextTable("id", "state", "version", "title")
            for p in protocols { table.add(p.id, p.state.rawValue, "\(p.latest.version)", p.latest.definition.title) }
            print(table.rendered)
        }
    }
}
