import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab report` is not built yet.") }
}
