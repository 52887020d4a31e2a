import ArgumentParser

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab simulate` is not built yet.") }
}
