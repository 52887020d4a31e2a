import ArgumentParser

struct PowerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "power", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab power` is not built yet.") }
}
