import ArgumentParser
import Foundation
import Testing
@testable import livinglab

/// The CLI's parser on its own: what each command takes, without running it.
@Suite("The CLI's parser")
struct CLIParserTests {
    @Test("consent give parses its merchant, protocol, language, purposes and format")
    func consentGive() throws {
        let command = try LivingLabCommand.parseAsRoot(
            ["consent", "give", "m01", "cc", "--lang", "en", "--purposes", "participation, outcome-measurement", "--format", "json"])
        let give = try #require(command as? ConsentCommand.Give)
        #expect(give.merchant == "m01" && give.protocolID == "cc" && give.lang == "en")
        #expect(splitList(give.purposes) == ["participation", "outcome-measurement"])
        #expect(give.output.format == .json)
    }

    @Test("withdraw takes the same arguments as give")
    func withdrawMirrorsGive() throws {
        let command = try LivingLabCommand.parseAsRoot(["consent", "withdraw", "m01", "cc"])
        let withdraw = try #require(command as? ConsentCommand.Withdraw)
        #expect(withdraw.merchant == "m01" && withdraw.protocolID == "cc" && withdraw.channel == "cli")
    }

    @Test("a missing argument and a wrong format are usage errors that name what is wrong")
    func usageErrors() {
        #expect(throws: (any Error).self) { try LivingLabCommand.parseAsRoot(["consent", "give", "m01"]) }
        do {
            _ = try LivingLabCommand.parseAsRoot(["merchant", "list", "--format", "yaml"])
            Issue.record("--format yaml was accepted")
        } catch {
            #expect(LivingLabCommand.message(for: error).contains("yaml"))
        }
    }

    @Test("refusals takes --protocol or --plugin, not both")
    func refusalsFilters() throws {
        let command = try LivingLabCommand.parseAsRoot(["refusals", "--plugin", "fr.livinglab.click-and-collect"])
        #expect((command as? RefusalsCommand)?.plugin == "fr.livinglab.click-and-collect")
        #expect(throws: (any Error).self) { try LivingLabCommand.parseAsRoot(["refusals", "--protocol", "a", "--plugin", "b"]) }
    }
}
