import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabTrials
import LivingLabStore

struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record and read merchants' consent (append-only ledger).",
        discussion: """
            Opting in and withdrawing take the same arguments: the merchant and the protocol. A withdrawal is \
            effective at once (server UTC) and applies the protocol's data policy (keep, anonymise or erase).
            """,
        subcommands: [Give.self, Withdraw.self, Status.self, History.self, Document.self])

    struct Give: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a merchant's consent to a protocol's approved version.",
            discussion: """
                The consent names the SHA-256 of the document the merchant read, in the language they read it \
                (French by default). Show it first with `livinglab consent document PROTOCOL --lang fr`.

                Examples:
                  livinglab consent give m01 click-collect-2027
                  livinglab consent give m07 click-collect-2027 --lang en --purposes participation,outcome-measurement
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The merchant's id.") var merchant: String
        @Argument(help: "The protocol's id.") var protocolID: String
        @Option(help: "The language of the document the merchant read.") var lang: String = "fr"
        @Option(help: "Purposes consented to, separated by commas (default: all of the protocol's).") var purposes: String?
        @Option(help: "How the consent was collected: cli, paper, http, dashboard…") var channel: String = "cli"

        func run() throws {
            let event = try lab.livingLab().giveConsent(merchantID: merchant, protocolID: protocolID, language: lang,
                                                        purposes: splitList(purposes), channel: channel)
            if output.format == .json { return try JSONOutput.print(event) }
            print("Consent \(event.kind.rawValue): \(merchant) → \(protocolID) version \(event.protocolVersion) at \(Timestamp.format(event.at)) (document \(event.language), sha256 \(event.documentSHA256.prefix(16))…; purposes \(event.purposes.joined(separator: ", "))).")
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a merchant's consent, in one step, effective now.",
            discussion: "Example:\n  livinglab consent withdraw m01 click-collect-2027")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The merchant's id.") var merchant: String
        @Argument(help: "The protocol's id.") var protocolID: String
        @Option(help: "How the withdrawal was received: cli, paper, http, dashboard…") var channel: String = "cli"

        func run() throws {
            let result = try lab.livingLab().withdrawConsent(merchantID: merchant, protocolID: protocolID, channel: channel)
            if output.format == .json { return try JSONOutput.print(result) }
            if result.alreadyWithdrawn {
                print("\(merchant) had already withdrawn from \(protocolID) at \(Timestamp.format(result.at)); nothing more to do.")
                return
            }
            let effect: String = switch result.policy {
            case .keep: "earlier data is kept, as the protocol declares"
            case .anonymise: "\(result.outcomesAffected) earlier outcome(s) anonymised, \(result.pluginEntriesRemoved) plugin entr(ies) removed"
            case .erase: "\(result.outcomesAffected) earlier outcome(s) erased, \(result.pluginEntriesRemoved) plugin entr(ies) removed"
            }
            print("Withdrawn: \(merchant) from \(protocolID) at \(Timestamp.format(result.at)). Nothing new will be stored; \(effect).")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show current consent states, derived from the ledger.",
            discussion: "Examples:\n  livinglab consent status --protocol click-collect-2027\n  livinglab consent status --merchant m01 --format json")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Option(help: "Only this merchant.") var merchant: String?
        @Option(name: .customLong("protocol"), help: "Only this protocol.") var protocolID: String?

        func run() throws {
            let statuses = try lab.open().consentStatuses(merchantID: merchant, protocolID: protocolID)
            if output.format == .json { return try JSONOutput.print(statuses) }
            var table = TextTable("merchant", "protocol", "state", "version", "language", "since", "purposes")
            for s in statuses {
                table.add(s.merchantID, s.protocolID, s.state.rawValue, s.version.map(String.init) ?? "", s.language ?? "",
                          s.since.map(Timestamp.format) ?? "", s.purposes.joined(separator: ","))
            }
            print(table.rendered)
            let counts = Dictionary(grouping: statuses, by: \.state).mapValues(\.count)
            print(counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue): \($0.value)" }.joined(separator: ", "))
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the consent ledger, event by event.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Option(help: "Only this merchant.") var merchant: String?
        @Option(name: .customLong("protocol"), help: "Only this protocol.") var protocolID: String?

        func run() throws {
            let events = try lab.open().consentEvents(merchantID: merchant, protocolID: protocolID)
            if output.format == .json { return try JSONOutput.print(events) }
            var table = TextTable("seq", "at", "merchant", "protocol", "version", "event", "lang", "document", "channel")
            for e in events {
                table.add("\(e.sequence ?? 0)", Timestamp.format(e.at), e.merchantID, e.protocolID, "\(e.protocolVersion)", e.kind.rawValue,
                          e.language, String(e.documentSHA256.prefix(12)), e.channel)
            }
            print(table.rendered)
        }
    }

    struct Document: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the consent document of a protocol's approved version, with its SHA-256.",
            discussion: "Example:\n  livinglab consent document click-collect-2027 --lang fr")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var protocolID: String
        @Option(help: "The language.") var lang: String = "fr"

        func run() throws {
            let document = try lab.livingLab().consentDocument(protocolID: protocolID, language: lang)
            try JSONOutput.report(document, as: output.format) {
                "\(document.text)\n---\n\(protocolID) version \(document.version), \(lang), sha256 \(document.sha256)"
            }
        }
    }
}
