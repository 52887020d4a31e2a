import Foundation
import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// The external plugin package, built once per test process exactly as a startup builds it.
///
/// SLOW: the first run compiles LivingLabPluginKit and Examples/ExternalPlugin with
/// `swift build` into `.build-external` at the repository root (about a minute on two cores).
enum ExternalPlugin {
    static let library: Result<String, any Error> = Result {
        let package = TestSupport.repositoryRoot.appendingPathComponent("Examples/ExternalPlugin").path
        let scratch = TestSupport.repositoryRoot.appendingPathComponent(".build-external").path
        let build = try TestSupport.run("swift", ["build", "--package-path", package, "--scratch-path", scratch])
        guard build.status == 0 else { throw BuildFailure(output: build.output) }
        let binPath = try TestSupport.run(
            "swift", ["build", "--package-path", package, "--scratch-path", scratch, "--show-bin-path"])
        let folder = binPath.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return URL(fileURLWithPath: folder).appendingPathComponent("libStampCard.so").path
    }

    struct BuildFailure: Error, CustomStringConvertible {
        var output: String
        var description: String { "swift build of Examples/ExternalPlugin failed:\n\(output)" }
    }
}

/// A Swift plugin written against LivingLabPluginKit alone (the StampCard example), driven through the C ABI.
@Suite(.timeLimit(.minutes(15))) struct SwiftSDKTests {
    private func lab(stampsPerCard: Int = 3) -> InMemoryPluginHost {
        let lab = InMemoryPluginHost()
        lab.enroll(
            "cafe", arm: "easy-card", armConfiguration: #"{"stamps_per_card": \#(stampsPerCard), "minimum_basket": 5}"#,
            fields: ["sector": "cafe"])
        lab.giveConsent("cafe")
        return lab
    }

    private func stampCard(_ lab: InMemoryPluginHost) throws -> PluginTestHarness {
        let plugin = try PluginTestHarness(library: ExternalPlugin.library.get(), host: lab)
        try plugin.activate("cafe")
        return plugin
    }

    @Test func theExternalPackageBuildsWithSwiftBuildAndLoadsAsAStartupsPlugin() throws {
        let binary = try PluginLoader.load(path: ExternalPlugin.library.get())
        #expect(binary.manifest.id == "com.example.stampcard")
        #expect(binary.manifest.firm == "Example Loyalty SAS")
        #expect(binary.manifest.abiVersion == PluginABI.currentVersion)
        #expect(binary.manifest.metrics.map(\.name) == ["stamps", "rewards", "basket_value"])
        #expect(binary.manifest.dataCategories == ["sector"])
    }

    @Test func purchasesStampTheCardAndLogOutcomesWithTheRequestTime() throws {
        let lab = lab()
        let plugin = try stampCard(lab)
        let at = Date(timeIntervalSince1970: 1_777_100_000)
        let answer = try plugin.call("cafe", action: "purchase", ["customer": "ana", "basket": 7.5, "receipt": "r1"], at: at)
        #expect(answer["stamped"] as? Bool == true)
        #expect(answer["stamps"] as? Int == 1)
        let metrics = lab.outcomes.map { "\($0.outcome.metric)=\($0.outcome.value)" }
        #expect(metrics == ["basket_value=7.5", "stamps=1.0"])
        #expect(lab.outcomes.allSatisfy { $0.outcome.at == at && $0.arm == "easy-card" })
    }

    @Test func theArmConfigurationChangesWhenARewardIsEarned() throws {
        for (stampsPerCard, expected) in [(3, true), (10, false)] {
            let lab = lab(stampsPerCard: stampsPerCard)
            let plugin = try stampCard(lab)
            var last: [String: Any] = [:]
            for receipt in 1...3 {
                last = try plugin.call("cafe", action: "purchase", ["customer": "ana", "basket": 6, "receipt": "r\(receipt)"])
            }
            #expect(last["reward_available"] as? Bool == expected, "stamps_per_card \(stampsPerCard)")
        }
    }

    @Test func stateLivesInHostStorageSoANewProcessSeesIt() throws {
        let lab = lab()
        let first = try stampCard(lab)
        for receipt in 1...3 {
            _ = try first.call("cafe", action: "purchase", ["customer": "ana", "basket": 9, "receipt": "r\(receipt)"])
        }
        // A short-lived CLI creates a new instance for every command; only host storage carries over.
        let second = try stampCard(lab)
        let redeemed = try second.call("cafe", action: "redeem", ["customer": "ana"])
        #expect(redeemed["redeemed"] as? Bool == true)
        #expect(redeemed["stamps"] as? Int == 0)
        #expect(lab.outcomes.filter { $0.outcome.metric == "rewards" }.count == 1)
    }

    @Test func forgettingACustomerRemovesTheCardFromHostStorage() throws {
        let lab = lab()
        let plugin = try stampCard(lab)
        _ = try plugin.call("cafe", action: "purchase", ["customer": "ana", "basket": 9, "receipt": "r1"])
        #expect(lab.storedValue("card/ana", merchantID: "cafe", plugin: "com.example.stampcard") != nil)
        let answer = try plugin.call("cafe", action: "forget", ["customer": "ana"])
        #expect(answer["forgotten"] as? Bool == true)
        #expect(lab.storedValue("card/ana", merchantID: "cafe", plugin: "com.example.stampcard") == nil)
        let card = try plugin.call("cafe", action: "card", ["customer": "ana"])
        #expect(card["stamps"] as? Int == 0)
        _ = try plugin.call("cafe", action: "forget", ["customer": "nobody"])
    }

    @Test func aRetriedRequestLogsItsOutcomesOnce() throws {
        let lab = lab()
        let plugin = try stampCard(lab)
        _ = try plugin.call("cafe", action: "purchase", ["customer": "ana", "basket": 9, "receipt": "same"])
        _ = try plugin.call("cafe", action: "purchase", ["customer": "ana", "basket": 9, "receipt": "same"])
        #expect(lab.outcomes.count == 2)
        #expect(lab.duplicateOutcomes == 2)
    }

    @Test func thrownPluginErrorsCrossTheABIAsCodesAndMessages() throws {
        let plugin = try stampCard(lab())
        let unknown = try #require(throws: PluginCallError.self) { try plugin.call("cafe", action: "fly") }
        #expect(unknown.code == .invalid)
        #expect(unknown.message.contains("unknown action \"fly\""))
        let noCard = try #require(throws: PluginCallError.self) { try plugin.call("cafe", action: "redeem", ["customer": "bob"]) }
        #expect(noCard.code == .notFound)
        #expect(noCard.message.contains("bob has no card"))
        let badBody = try #require(throws: PluginCallError.self) {
            try plugin.call("cafe", action: "purchase", ["customer": "ana"])
        }
        #expect(badBody.code == .invalid)
        #expect(badBody.message.contains("the body of \"purchase\""))
    }

    @Test func theSDKRefusesMalformedRequestsBeforeThePluginSeesThem() throws {
        let plugin = try stampCard(lab())
        let noAction = try #require(throws: PluginCallError.self) { try plugin.callRaw("cafe", #"{"customer": "ana"}"#) }
        #expect(noAction.code == .invalid)
        #expect(noAction.message.contains("no \"action\""))
        let badTime = try #require(throws: PluginCallError.self) {
            try plugin.callRaw("cafe", #"{"action": "card", "customer": "ana", "at": "noon"}"#)
        }
        #expect(badTime.message.contains("ISO-8601"))
        let notJSON = try #require(throws: PluginCallError.self) { try plugin.callRaw("cafe", "card please") }
        #expect(notJSON.code == .invalid)
    }

    @Test func aConsentDenialInsideASwiftPluginReachesTheCallerWithItsReason() throws {
        let lab = lab()
        let plugin = try stampCard(lab)
        lab.advance(by: 60)
        lab.withdrawConsent("cafe")
        let error = try #require(throws: PluginCallError.self) {
            try plugin.call("cafe", action: "purchase", ["customer": "ana", "basket": 9, "receipt": "r1"])
        }
        #expect(error.code == .denied)
        #expect(error.denial == .withdrawn)
        #expect(lab.denialCount(.withdrawn) == 1)
        #expect(lab.outcomes.isEmpty)
    }
}
