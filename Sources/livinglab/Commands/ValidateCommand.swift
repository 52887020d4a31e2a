import ArgumentParser

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab validate` is not built yet.") }
}
