import ArgumentParser

struct TrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trial", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab trial` is not built yet.") }
}
