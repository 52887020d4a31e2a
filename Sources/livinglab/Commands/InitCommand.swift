import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabTrials
import LivingLabStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a lab database.",
        discussion: """
            Examples:
              livinglab init --lab-file Examples/bordeaux/lab.yaml
              livinglab init --id my-street --name "Living lab rue X" --area "Rue X, Bordeaux"
            """)

    @OptionGroup var lab: LabOptions
    @OptionGroup var output: FormatOption
    @Option(help: "A lab.yaml file describing the lab (id, name, area, coordinators, segments).")
    var labFile: String?
    @Option(help: "The lab's id, when no --lab-file is given.")
    var id: String?
    @Option(help: "The lab's name, when no --lab-file is given.")
    var name: String?
    @Option(help: "The street or area, when no --lab-file is given.")
    var area: String?

    func run() throws {
        if FileManager.default.fileExists(atPath: lab.path), try lab.open().lab() != nil {
            throw LabError.conflict("\(lab.path) already holds a lab: pick another --db path to start a new one.")
        }
        let description: Lab
        if let labFile {
            description = try LabFiles.lab(at: labFile)
        } else {
            guard let id, let name else {
                throw LabError.invalid("Describe the lab with --lab-file lab.yaml, or with --id and --name (and --area).")
            }
            description = Lab(id: id, name: name, area: area ?? "")
        }
        let created = try lab.livingLab(creating: true).createLab(description)
        try JSONOutput.report(created, as: output.format) { "Created lab \(created.id) (\(created.name)) in \(lab.path)." }
    }
}
