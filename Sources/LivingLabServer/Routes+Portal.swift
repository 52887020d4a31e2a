import Foundation
import HTTPTypes
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import LivingLabWeb
import HummingbirdCore
import NIOCore
import Synchronization

/// The web portal: server-rendered pages for merchants, firms and coordinators, over the same use cases and rules as
/// the API. No script; sessions in an `HttpOnly` cookie; every form carries a token derived from the session
/// (CSRF); every page is sent with a Content-Security-Policy that allows no script and no framing.
extension LabServer {
    static let sessionCookie = "llab_session"
    static let languageCookie = "llab_lang"

    /// Who is reading a portal page, in which language.
    struct Reader {
        var principal: Principal?
        var session: String?
        var context: PageContext
        var lab: LivingLab
    }

    func addPortalRoutes(to router: Router<LabRequestContext>) {
        router.get("/portal/style.css") { _, _ in
            Response(status: .ok, headers: Self.pageHeaders(contentType: "text/css; charset=utf-8"),
                     body: .init(byteBuffer: ByteBuffer(string: PortalStyle.css)))
        }
        router.get("/portal/report.css") { _, _ in
            Response(status: .ok, headers: Self.pageHeaders(contentType: "text/css; charset=utf-8"),
                     body: .init(byteBuffer: ByteBuffer(string: ReportPage.css)))
        }
        router.get("/join/{code}") { request, context in
            let code = try context.parameter("code")
            let next = Self.next(request)
            return try await self.page(request, signedIn: false) { reader in
                _ = try reader.lab.checkSignInLink(code)
                return .page(AccessPages.join(code: code, next: next, reader.context))
            }
        }
        router.post("/join/{code}") { request, context in
            let code = try context.parameter("code")
            let next = Self.next(request)
            return try await self.page(request, signedIn: false) { reader in
                let session = try reader.lab.openSignInLink(code)
                return .signIn(session.bearer, next: next)
            }
        }
        router.get("/sign-in") { request, _ in
            try await self.page(request, signedIn: false) { reader in .page(AccessPages.signIn(reader.context)) }
        }
        router.post("/sign-in") { request, context in
            let form = try await Self.form(request, context)
            return try await self.page(request, signedIn: false) { reader in
                do throws(LabError) {
                    return .signIn(try reader.lab.signIn(withToken: form["token"] ?? "").bearer, next: "/portal")
                } catch {
                    return .page(AccessPages.signIn(error: error.message, reader.context), status: .unauthorized)
                }
            }
        }
        router.post("/portal/sign-out") { request, context in
            let form = try await Self.form(request, context)
            return try await self.page(request, form: form) { reader in
                if let session = reader.session { try reader.lab.signOut(session: session) }
                return .signOut
            }
        }
        router.get("/portal") { request, _ in
            try await self.page(request) { reader in try self.home(reader, request) }
        }
        router.get("/portal/trials/{protocol}") { request, context in
            let id = try context.parameter("protocol")
            return try await self.page(request) { reader in
                let principal = reader.principal!
                guard principal.role == .merchant, let merchant = principal.subject else {
                    return .redirect("/portal/trials/\(HTML.query(id))/report")
                }
                let trial = try reader.lab.merchantTrial(id, merchantID: merchant, language: reader.context.t.language,
                                                         visibleTo: principal)
                return .page(MerchantPages.trial(trial, reader.context))
            }
        }
        router.get("/portal/trials/{protocol}/receipt") { request, context in
            let id = try context.parameter("protocol")
            return try await self.page(request) { reader in
                let principal = reader.principal!
                guard principal.role == .merchant, let merchant = principal.subject else { throw Self.noProtocol(id) }
                let trial = try reader.lab.merchantTrial(id, merchantID: merchant, language: reader.context.t.language,
                                                         visibleTo: principal)
                return .download(MerchantPages.receipt(trial, reader.context.t), name: "livinglab-\(id)-\(merchant).txt")
            }
        }
        router.post("/portal/trials/{protocol}/consent") { request, context in
            let id = try context.parameter("protocol")
            let form = try await Self.form(request, context)
            return try await self.page(request, form: form) { reader in
                let principal = reader.principal!
                guard principal.role == .merchant, let merchant = principal.subject else { throw Self.noProtocol(id) }
                _ = try reader.lab.storedProtocol(id, visibleTo: principal)
                _ = try reader.lab.giveConsent(merchantID: merchant, protocolID: id, language: form["language"] ?? "",
                                               shownSHA256: form["sha256"] ?? "", purposes: nil, channel: "portal")
                return .redirect("/portal/trials/\(HTML.query(id))?done=consent")
            }
        }
        router.post("/portal/trials/{protocol}/withdraw") { request, context in
            let id = try context.parameter("protocol")
            let form = try await Self.form(request, context)
            return try await self.page(request, form: form) { reader in
                let principal = reader.principal!
                guard principal.role == .merchant, let merchant = principal.subject else { throw Self.noProtocol(id) }
                _ = try reader.lab.storedProtocol(id, visibleTo: principal)
                _ = try reader.lab.withdrawConsent(merchantID: merchant, protocolID: id, channel: "portal")
                if let runner = self.state.runners.withLock({ $0[id] }) { try? runner.deactivate(merchant) }
                return .redirect("/portal/trials/\(HTML.query(id))?done=withdraw")
            }
        }
        router.post("/portal/trials/{protocol}/feedback") { request, context in
            let id = try context.parameter("protocol")
            let form = try await Self.form(request, context)
            return try await self.page(request, form: form) { reader in
                let principal = reader.principal!
                guard [.merchant, .sponsor].contains(principal.role), let author = principal.subject else { throw Self.noProtocol(id) }
                let stored = try reader.lab.storedProtocol(id, visibleTo: principal)
                let rating = form["rating"].flatMap { Int($0) }
                _ = try reader.lab.recordFeedback(author: author, kind: principal.role == .merchant ? .merchant : .sponsor,
                                                  pluginID: stored.latest.definition.plugin.id, text: form["text"] ?? "",
                                                  rating: rating)
                return .redirect("/portal/trials/\(HTML.query(id))?done=feedback")
            }
        }
        router.get("/portal/trials/{protocol}/report") { request, context in
            let id = try context.parameter("protocol")
            return try await self.page(request) { reader in
                let principal = reader.principal!
                let stored = try reader.lab.storedProtocol(id, visibleTo: principal)
                try reader.lab.requireRuns(stored, principal, for: "read the trial's report")
                let report = try TrialReport.assemble(from: reader.lab.store, protocolID: stored.id, options: ReportOptions())
                return .html(ReportPage(report, language: reader.context.t.language, style: .linked("/portal/report.css")).html)
            }
        }
        router.post("/portal/trials/{protocol}/approve") { request, context in
            let id = try context.parameter("protocol")
            let form = try await Self.form(request, context)
            return try await self.page(request, form: form) { reader in
                try reader.lab.requireCoordinator(reader.principal!, for: "approve a protocol")
                _ = try reader.lab.approveProtocol(id)
                return .redirect("/portal")
            }
        }
        router.post("/portal/trials/{protocol}/start") { request, context in
            let id = try context.parameter("protocol")
            let form = try await Self.form(request, context)
            return try await self.page(request, form: form) { reader in
                try reader.lab.requireCoordinator(reader.principal!, for: "start a trial")
                _ = try reader.lab.startTrial(id)
                return .redirect("/portal")
            }
        }
        router.post("/portal/feedback/{feedback}/answer") { request, context in
            let text = try context.parameter("feedback")
            let form = try await Self.form(request, context)
            return try await self.page(request, form: form) { reader in
                guard let id = Int64(text) else { throw LabError.notFound("There is no feedback \(text).") }
                _ = try reader.lab.answerFeedback(id, text: form["text"] ?? "", as: reader.principal!)
                return .redirect("/portal?done=answer")
            }
        }
    }

    /// The home page of each role.
    func home(_ reader: Reader, _ request: Request) throws -> PageResult {
        let principal = reader.principal!
        let lab = reader.lab
        switch principal.role {
        case .merchant:
            return .page(MerchantPages.home(try lab.invitations(of: principal.subject ?? "", visibleTo: principal), reader.context))
        case .sponsor:
            var invitations: [Invitation] = []
            for merchant in try lab.merchants(visibleTo: principal, matching: nil) {
                invitations += try lab.invitations(of: merchant.id, visibleTo: principal)
            }
            return .page(MerchantPages.home(invitations, reader.context))
        case .firm:
            let trials = try lab.protocols(visibleTo: principal).map { stored in
                FirmPages.Trial(id: stored.id, title: (stored.approved ?? stored.latest).definition.title,
                                state: stored.state, consents: try lab.consentCounts(protocolID: stored.id))
            }
            return .page(FirmPages.home(trials, feedback: try lab.feedback(visibleTo: principal), reader.context))
        case .coordinator:
            // A form sent by GET writes its spaces as `+`: read the query as a form.
            let filter = Self.fields(request.uri.query ?? "")["where"] ?? ""
            var merchants: [Merchant] = []
            var filterError: String?
            do throws(LabError) {
                merchants = try lab.merchants(matching: filter)
            } catch {
                filterError = error.message
            }
            let audit = request.uri.queryParameters.get("audit") == nil ? nil : try lab.store.verifyAudit()
            return .page(CoordinatorPages.home(protocols: try lab.protocols(visibleTo: principal), merchants: merchants,
                                               filter: filter, filterError: filterError, audit: audit, reader.context))
        }
    }

    /// What a portal handler answers.
    enum PageResult {
        case page(String, status: HTTPResponse.Status = .ok)
        case html(String)
        case redirect(String)
        case download(String, name: String)
        case signIn(String, next: String)
        case signOut
    }

    /// Runs a portal handler: reads the session and the language, checks the CSRF token of a posted form, runs `body`
    /// off the event loop, and turns what it answers (or the error it throws) into a page.
    func page(_ request: Request, signedIn: Bool = true, form: [String: String]? = nil,
              _ body: @escaping @Sendable (Reader) throws -> PageResult) async throws -> Response {
        let language = Catalogue.choose(query: request.uri.queryParameters.get("lang"),
                                        cookie: request.cookies[Self.languageCookie]?.value)
        let t = Catalogue.named(language)
        let session = request.cookies[Self.sessionCookie]?.value
        let path = Self.pathWithoutLanguage(request.uri)
        let lab = self.lab(nil)
        var response: Response = try await blocking { () throws -> Response in
            var principal: Principal?
            var csrf: String?
            if let session, let known = try? lab.authenticate(session: session) {
                principal = known
                csrf = Self.csrfToken(session)
            }
            let notice = request.uri.queryParameters.get("done").flatMap { t.optional("done.\($0)") }
            let context = PageContext(t: t, csrf: csrf, path: path, notice: notice)
            if signedIn {
                guard principal != nil else {
                    return Self.htmlResponse(AccessPages.problem(t("error.signedOut"), PageContext(t: t, csrf: nil, path: path)),
                                             status: .unauthorized)
                }
                if let form, !BearerToken.constantTimeEqual(form["csrf"] ?? "", csrf ?? "") {
                    return Self.htmlResponse(AccessPages.problem(t("error.csrf"), context), status: .forbidden)
                }
            }
            let reader = Reader(principal: principal, session: session, context: context,
                                lab: LivingLab(store: self.store, actor: principal?.actor ?? "portal"))
            do {
                switch try body(reader) {
                case .page(let html, let status): return Self.htmlResponse(html, status: status)
                case .html(let html): return Self.htmlResponse(html, status: .ok)
                case .redirect(let location): return Self.redirect(location)
                case .download(let text, let name):
                    var headers = Self.pageHeaders(contentType: "text/plain; charset=utf-8")
                    headers[.contentDisposition] = "attachment; filename=\"\(name)\""
                    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
                case .signIn(let bearer, let next):
                    var response = Self.redirect(next)
                    response.headers.append(HTTPField(name: .setCookie, value: Self.cookie(Self.sessionCookie, bearer,
                                                                                           maxAge: Int(LivingLab.sessionLifetime), request)))
                    return response
                case .signOut:
                    var response = Self.redirect("/sign-in")
                    response.headers.append(HTTPField(name: .setCookie, value: Self.cookie(Self.sessionCookie, "", maxAge: 0, request)))
                    return response
                }
            } catch let error as LabError {
                let status: HTTPResponse.Status = switch error.code {
                case .notFound, .forbidden: .notFound
                case .unauthenticated: .unauthorized
                case .invalidInput: .badRequest
                case .conflict: .conflict
                case .unavailable: .serviceUnavailable
                default: error.code == .internalError ? .internalServerError : .unprocessableContent
                }
                // The reader's language for what they can act on; the use case's own words (English) for the rest,
                // which name a field or a rule.
                let message = switch error.code {
                case .notFound, .forbidden: t("error.notFound")
                case .unauthenticated: t("error.link")
                default: error.message
                }
                return Self.htmlResponse(AccessPages.problem(message, context), status: status)
            }
        }
        if let chosen = request.uri.queryParameters.get("lang"), Catalogue.languages.contains(chosen) {
            response.headers.append(HTTPField(name: .setCookie, value: Self.cookie(Self.languageCookie, chosen, maxAge: 365 * 24 * 3600, request)))
        }
        return response
    }

    /// Where to go once signed in: a page of the portal named by `?next=`, else its home.
    static func next(_ request: Request) -> String {
        guard let next = request.uri.queryParameters.get("next"), next.hasPrefix("/portal/"), !next.contains("//") else { return "/portal" }
        return next
    }

    static func noProtocol(_ id: String) -> LabError { .notFound("There is no protocol \(id) that you may see.") }

    /// The CSRF token of a session: derived from its secret, so only a page of this session can know it.
    static func csrfToken(_ session: String) -> String { SHA256.hex("livinglab csrf \(session)") }

    /// The headers of every portal page: no script, no framing, no referrer (a sign-in link is in the URL), no caching.
    static func pageHeaders(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            .cacheControl: "no-store",
        ]
    }

    static func htmlResponse(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: pageHeaders(contentType: "text/html; charset=utf-8"),
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = pageHeaders(contentType: "text/html; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// A cookie for the whole site: `HttpOnly`, `SameSite=Lax`, and `Secure` when the request came over TLS (directly,
    /// or through a proxy that says so).
    static func cookie(_ name: String, _ value: String, maxAge: Int, _ request: Request) -> String {
        let secure = request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        return "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    /// The request's path and query without its `lang`, for the language switch.
    static func pathWithoutLanguage(_ uri: URI) -> String {
        let kept = uri.queryParameters.filter { $0.key != "lang" && $0.key != "done" }
            .map { "\(HTML.query(String($0.key)))=\(HTML.query(String($0.value)))" }
        return uri.path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }

    /// A posted form (`application/x-www-form-urlencoded`).
    static func form(_ request: Request, _ context: LabRequestContext) async throws -> [String: String] {
        fields(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
    }

    /// The fields of form-encoded text (a body, or a query): `+` is a space, then percent escapes; the first of a
    /// name counts.
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            if fields[key] == nil { fields[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
