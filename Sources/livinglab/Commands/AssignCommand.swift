import ArgumentParser

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Not built yet.", shouldDisplay: false)
    func run() throws { throw ValidationError("`livinglab assign` is not built yet.") }
}
