import ArgumentParser

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analyze", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab analyze` is not built yet.") }
}
