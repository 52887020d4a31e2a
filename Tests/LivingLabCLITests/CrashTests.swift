import Foundation
import LabTestSupport
import Testing

@Suite("Durability under a crash (invariant 8)")
struct CrashTests {
    @Test("killing an import mid-way keeps every acknowledged batch, whole, and the audit chain intact")
    func killedImportKeepsAcknowledgedBatches() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        try cli.expectSuccess(cli.run("enroll", "click-collect-2027", "--merchants", "m01,m04"))
        for merchant in ["m01", "m04"] { try cli.expectSuccess(cli.run("consent", "give", merchant, "click-collect-2027")) }
        let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(60))  // after the consents, within the clock skew
        var csv = "protocol,merchant,metric,value,at,key\n"
        for i in 0..<40_000 { csv += "click-collect-2027,\(i % 2 == 0 ? "m01" : "m04"),weekly_sales,\(i % 50),\(at),k\(i)\n" }
        let file = try cli.write("outcomes.csv", csv)

        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["outcome", "import", file]
        process.currentDirectoryURL = cli.folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Each progress line is printed after its batch committed: an acknowledgement.
        var acknowledged = 0
        var buffer = ""
        while acknowledged < 3 {
            let data = errors.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            buffer += String(decoding: data, as: UTF8.self)
            acknowledged = buffer.split(separator: "\n").filter { $0.contains("batches") }.count
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(acknowledged >= 3)

        let export = try cli.run("outcome", "export", "click-collect-2027", "--format", "json")
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [[String: Any]]).count
        #expect(stored >= acknowledged * 1000, "acknowledged \(acknowledged) batches, found \(stored) outcomes")
        #expect(stored % 1000 == 0, "a batch was stored in part: \(stored)")
        try cli.expectSuccess(cli.run("audit", "verify"))
    }
}
