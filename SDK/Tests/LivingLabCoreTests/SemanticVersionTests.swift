import LivingLabCore
import Testing

/// Plugin and protocol versions follow semver 2.0.
@Suite("Semantic versions") struct SemanticVersionTests {
    @Test(arguments: ["1.0.0", "0.1.12", "2.0.0-beta.2", "1.4.0+build.7", "10.20.30-rc.1+sha.5114f85"])
    func validVersionsParse(_ text: String) throws {
        let version = try SemanticVersion(text)
        #expect(version.description == text)
    }

    @Test(arguments: ["1.0", "1.0.0.0", "01.0.0", "1.0.0-", "v1.0.0", "", "1..0", "1.0.0+", "1.0.0-be ta"])
    func invalidVersionsAreRefused(_ text: String) {
        #expect((try? SemanticVersion(text)) == nil)
    }

    @Test func precedenceFollowsTheSpecification() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"].compactMap { try? SemanticVersion($0) }
        #expect(ordered.count == 11)
        #expect(ordered == ordered.sorted())
        #expect(ordered.shuffled().sorted() == ordered)
    }
}
