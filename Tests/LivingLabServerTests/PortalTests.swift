import Foundation
import HTTPTypes
import HummingbirdTesting
import LabTestSupport
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import LivingLabWeb
import NIOCore
import Testing

@Suite("The web portal: links, sessions, forms")
struct PortalTests {
    static func link(_ client: ServerClient, role: LabRole = .merchant, subject: String? = "m1") throws -> String {
        let store = try SQLiteLabStore(path: client.path, clock: ManualClock(client.now))
        return try LivingLab(store: store, actor: "c").createSignInLink(role: role, subject: subject).bearer
    }

    static func csrf(in page: String) -> String? {
        guard let range = page.range(of: #"name="csrf" value=""#) else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("a sign-in link opens one session, once, with an HttpOnly SameSite cookie; the pages forbid scripts and framing")
    func linkOpensOnce() async throws {
        try await ServerLab.shared.serve { client in
            let code = try Self.link(client)
            let landing = try await client.client.execute(uri: "/join/\(code)", method: .get)
            #expect(landing.status == .ok)
            #expect(landing.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(landing.headers[.contentSecurityPolicy]?.contains("script-src") == false, "default-src 'none' allows no script")
            #expect(landing.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            // Fetching the link (a preview) does not use it up; pressing the button does.
            let opened = try await client.client.execute(uri: "/join/\(code)?next=/portal/trials/visits", method: .post)
            #expect(opened.status == .seeOther)
            #expect(opened.headers[.location] == "/portal/trials/visits")
            let cookie = try #require(opened.headers[.setCookie])
            #expect(cookie.hasPrefix("llab_session=llab_") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let again = try await client.client.execute(uri: "/join/\(code)", method: .post)
            #expect(again.status == .unauthorized)
            #expect(again.text.contains(HTML.escape(Catalogue.named("fr")("error.link"))), "\(again.text)")
            // A session is for the portal, not the API.
            let session = String(cookie.dropFirst("llab_session=".count).prefix { $0 != ";" })
            let api = try await client.client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(session)"])
            #expect(api.status == .unauthorized)
        }
    }

    @Test("a merchant withdraws in one press; a form without its CSRF token is refused and changes nothing")
    func withdrawWithCSRF() async throws {
        try await ServerLab.shared.serve { client in
            let code = try Self.link(client)
            let opened = try await client.client.execute(uri: "/join/\(code)", method: .post)
            let session = String(try #require(opened.headers[.setCookie]).prefix { $0 != ";" })
            let page = try await client.client.execute(uri: "/portal/trials/visits", method: .get, headers: [.cookie: session])
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains(Catalogue.named("fr")("trial.withdraw")))
            let token = try #require(Self.csrf(in: page.text))
            let form: HTTPFields = [.cookie: session, .contentType: "application/x-www-form-urlencoded"]
            let forged = try await client.client.execute(uri: "/portal/trials/visits/withdraw", method: .post, headers: form,
                                                         body: ByteBuffer(string: "csrf=0000"))
            #expect(forged.status == .forbidden)
            let store = try SQLiteLabStore(path: client.path, clock: ManualClock(client.now))
            #expect(try store.consentStatuses(merchantID: "m1", protocolID: "visits").first?.state == .active)
            let withdrawn = try await client.client.execute(uri: "/portal/trials/visits/withdraw", method: .post, headers: form,
                                                            body: ByteBuffer(string: "csrf=\(token)"))
            #expect(withdrawn.status == .seeOther)
            #expect(try store.consentStatuses(merchantID: "m1", protocolID: "visits").first?.state == .withdrawn)
            #expect(try store.consentEvents(merchantID: "m1", protocolID: "visits").last?.channel == "portal")
            // Another merchant's trial page, or a page without a session, shows nothing of it.
            let other = try await client.client.execute(uri: "/portal/trials/other", method: .get, headers: [.cookie: session])
            #expect(other.status == .notFound)
            let anonymous = try await client.client.execute(uri: "/portal/trials/visits", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test("the English page comes with ?lang=en and stays; every catalogue has the same keys")
    func languages() async throws {
        let french = Catalogue.named("fr"), english = Catalogue.named("en")
        #expect(!french.keys.isEmpty)
        #expect(french.keys == english.keys, "\(french.keys.symmetricDifference(english.keys))")
        try await ServerLab.shared.serve { client in
            let code = try Self.link(client)
            let opened = try await client.client.execute(uri: "/join/\(code)", method: .post)
            let session = String(try #require(opened.headers[.setCookie]).prefix { $0 != ";" })
            let page = try await client.client.execute(uri: "/portal?lang=en", method: .get, headers: [.cookie: session])
            #expect(page.text.contains(#"<html lang="en">"#))
            #expect(page.text.contains(english("merchant.home.title")))
            let language = try #require(page.headers[.setCookie])
            #expect(language.hasPrefix("llab_lang=en"))
            let next = try await client.client.execute(uri: "/portal", method: .get,
                                                       headers: [.cookie: "\(session); llab_lang=en"])
            #expect(next.text.contains(english("merchant.home.title")))
        }
    }
}
