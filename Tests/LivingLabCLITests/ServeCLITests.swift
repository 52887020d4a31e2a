import Foundation
import LabTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("livinglab serve and livinglab token")
struct ServeCLITests {
    @Test("serve answers a token's holder, refuses a revoked token, and on SIGTERM exits 0")
    func serveAndStop() async throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let created = try cli.run("token", "create", "--role", "merchant", "--for", "m01", "--expires", "1d", "--format", "json")
        cli.expectSuccess(created)
        let issued = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any] ?? [:]
        let bearer = try #require(issued["bearer"] as? String)
        #expect(bearer.hasPrefix("llab_"))
        let tokenID = try #require((issued["token"] as? [String: Any])?["id"] as? String)
        let listed = try cli.run("token", "list")
        #expect(listed.stdout.contains(tokenID) && listed.stdout.contains("merchant") && !listed.stdout.contains(bearer))
        // A one-time portal link lists apart from an API token, by its kind.
        cli.expectSuccess(try cli.run("invite", "link", "m01"))
        let kinds = try cli.run("token", "list").stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ")[1] }
        #expect(Set(kinds) == ["api", "link"], "\(kinds)")

        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["serve", "--port", "0"]
        process.currentDirectoryURL = cli.folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line names the port.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = try #require(text.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, "\(text)")

        func get(_ path: String, bearer: String?) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let me = try await get("/v1/me", bearer: bearer)
        #expect(me.0 == 200 && me.1.contains("m01"), "\(me)")
        cli.expectSuccess(try cli.run("token", "revoke", tokenID))
        let revoked = try await get("/v1/me", bearer: bearer)
        #expect(revoked.0 == 401 && revoked.1.contains("revoked"), "\(revoked)")

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let audit = try cli.run("audit", "verify")
        cli.expectSuccess(audit)
    }

    @Test("token create refuses a role without its subject, an unknown subject and a bad lifetime, with exit 1")
    func tokenMistakes() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let noSubject = try cli.run("token", "create", "--role", "firm")
        #expect(noSubject.status == 1 && noSubject.stderr.contains("--for"))
        let unknown = try cli.run("token", "create", "--role", "merchant", "--for", "m99")
        #expect(unknown.status == 1 && unknown.stderr.contains("m99"))
        let lifetime = try cli.run("token", "create", "--role", "coordinator", "--expires", "soon")
        #expect(lifetime.status == 1 && lifetime.stderr.contains("30d"))
        let role = try cli.run("token", "create", "--role", "admin")
        #expect(role.status == 1)
    }
}
