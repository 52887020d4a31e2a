import ArgumentParser

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plugin", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab plugin` is not built yet.") }
}
