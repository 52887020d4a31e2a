import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Make one-time sign-in links to the web portal, for a sponsor to hand over or an SMS to carry.",
        subcommands: [Link.self])

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a one-time link that opens the portal for a merchant (or a firm, sponsor or coordinator).",
            discussion: """
                The link opens one session (12 hours) once, on the device that opens it; it expires after --expires \
                (7 days by default). Opening it asks for one press, so a link preview does not use it up.

                Examples:
                  livinglab invite link m04 click-collect-2027 --base-url https://lab.example.fr
                  livinglab invite link panier-malin --role firm
                  livinglab invite link --role coordinator --expires 1d
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The merchant, firm or sponsor the link is for (none for a coordinator).") var subject: String?
        @Argument(help: "A trial to open first (a merchant's link).") var protocolID: String?
        @Option(help: "merchant (default), firm, sponsor or coordinator.") var role: LabRole = .merchant
        @Option(help: "How long the link can be opened: a number with d, h or m (7d, 12h). Default: 7d.") var expires: String?
        @Option(help: "Where `livinglab serve` is reached.") var baseURL = "http://127.0.0.1:8080"

        struct Issued: Encodable {
            var link: String
            var token: AccessToken
        }

        func run() throws {
            let lifetime = try expires.map(TokenCommand.Create.lifetime)
            let living = try lab.livingLab()
            if let protocolID { _ = try living.store.storedProtocol(protocolID) }
            let issued = try living.createSignInLink(role: role, subject: subject, lifetime: lifetime)
            var link = baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/join/" + issued.bearer
            if let protocolID { link += "?next=/portal/trials/\(protocolID)" }
            try JSONOutput.report(Issued(link: link, token: issued.token), as: output.format) {
                "One-time link for \(role)\(subject.map { " \($0)" } ?? ""), valid until \(issued.token.expiresAt.map(Timestamp.format) ?? "revoked"):\n\(link)"
            }
        }
    }
}
