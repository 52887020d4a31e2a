import ArgumentParser
import Foundation
import LivingLabCore
import Logging

/// The `livinglab` command: run a living lab from the terminal.
@main
struct LivingLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "livinglab",
        abstract: "Run a living lab on a shopping street: merchants, protocols, consent, plugins, outcomes.",
        discussion: """
            Every command works on one lab database (--db, default $LIVINGLAB_DB, then ./livinglab.sqlite). Every \
            command takes --format text|json: read commands print what they read, write commands what they stored \
            (the consent event with its id and document hash, the outcome's result, the plugin's registration). \
            Exit codes: 0 ok, 1 a problem with your input (the message says how to fix it), 2 an internal error.

            Examples:
              livinglab init --lab-file Examples/bordeaux/lab.yaml
              livinglab merchant import Examples/bordeaux/merchants.csv
              livinglab cohort create food --where 'sector in [bakery, butcher] and maturity <= 2'
              livinglab protocol apply Examples/bordeaux/protocols/click-and-collect.yaml
              livinglab consent give m01 click-collect-2027 --lang fr
              livinglab consent withdraw m01 click-collect-2027
              livinglab audit verify
              livinglab demo
            """,
        version: LivingLabVersion.current,
        subcommands: [
            InitCommand.self, MerchantCommand.self, SponsorCommand.self, FirmCommand.self, CohortCommand.self,
            ProtocolCommand.self, ConsentCommand.self, EnrollCommand.self, OutcomeCommand.self, ShockCommand.self,
            FeedbackCommand.self, RefusalsCommand.self, AuditCommand.self, PluginCommand.self, AssignCommand.self, TrialCommand.self,
            PowerCommand.self, AnalyzeCommand.self, ReportCommand.self, SimulateCommand.self, ValidateCommand.self,
            DemoCommand.self, ServeCommand.self, TokenCommand.self, InviteCommand.self,
        ]
    )

    /// Runs the command and maps failures to exit codes: 1 for what the user can fix, 2 for internal errors.
    static func main() async {
        // Results go to standard output; logs (plugins' included) to standard error, warnings and up unless asked.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LIVINGLAB_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as LabError {
            Terminal.error(error.description)
            Foundation.exit(error.code.isUserError ? 1 : 2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if let exit = error as? ExitCode {
                Foundation.exit(exit.rawValue == 0 ? 0 : 1)
            }
            // ArgumentParser's message starts with its own "Error: "; Terminal.error adds the one prefix.
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            Terminal.error(message)
            // Usage mistakes are user errors (1); ArgumentParser's own code for them is 64.
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 1 : 2)
        }
    }
}
