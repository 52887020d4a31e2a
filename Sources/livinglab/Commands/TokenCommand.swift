import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke the API's tokens (one role each: coordinator, firm, merchant or sponsor).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it once (only its hash is kept).",
            discussion: """
                Examples:
                  livinglab token create --role coordinator
                  livinglab token create --role firm --for panier-malin --expires 30d
                  livinglab token create --role merchant --for m04 --expires 12h
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Option(help: "coordinator, firm, merchant or sponsor.") var role: LabRole
        @Option(name: .customLong("for"), help: "The firm, merchant or sponsor the token stands for.") var subject: String?
        @Option(help: "How long it is valid: a number with d, h or m (30d, 12h, 90m). Default: until revoked.")
        var expires: String?

        func run() throws {
            let lifetime = try expires.map(Self.lifetime)
            let issued = try lab.livingLab().createToken(role: role, subject: subject, lifetime: lifetime)
            try JSONOutput.report(issued, as: output.format) {
                var text = "Token \(issued.token.id) for \(role)\(subject.map { " \($0)" } ?? "")"
                if let expiresAt = issued.token.expiresAt { text += ", valid until \(Timestamp.format(expiresAt))" }
                return text + ". Give it to its holder now; it is not shown again:\n\(issued.bearer)"
            }
        }

        static func lifetime(_ text: String) throws -> TimeInterval {
            let units: [Character: Double] = ["d": 86_400, "h": 3_600, "m": 60]
            guard let unit = text.last, let seconds = units[unit], let count = Double(text.dropLast()), count > 0 else {
                throw ValidationError("--expires is a number with d, h or m (30d, 12h, 90m), not `\(text)`.")
            }
            return count * seconds
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let store = try lab.open()
            let tokens = try store.accessTokens()
            if output.format == .json { return try JSONOutput.print(tokens) }
            let now = store.now()
            var table = TextTable("id", "kind", "role", "for", "state", "created", "expires", "last used")
            for token in tokens {
                table.add(token.id, token.kind.rawValue, token.role.rawValue, token.subject ?? "", token.state(at: now).rawValue,
                          Timestamp.format(token.createdAt), token.expiresAt.map(Timestamp.format) ?? "",
                          token.lastUsedAt.map(Timestamp.format) ?? "")
            }
            print(table.rendered)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it is refused from now on.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The token's id (`token list` shows them).") var id: String

        func run() throws {
            let token = try lab.livingLab().revokeToken(id)
            try JSONOutput.report(token, as: output.format) { "Revoked token \(id)." }
        }
    }
}

extension LabRole: @retroactive ExpressibleByArgument {}
