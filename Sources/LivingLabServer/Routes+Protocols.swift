import Foundation
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import LivingLabWeb
import NIOCore
import Synchronization

/// Protocols and their trials: the terms, the consent document, consents and withdrawals, outcomes, the report.
extension LabServer {
    func addProtocolRoutes(to router: Router<LabRequestContext>) {
        router.get("/v1/protocols") { _, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking { try lab.protocols(visibleTo: principal).map(ProtocolView.init) })
        }
        router.get("/v1/protocols/{protocol}") { _, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking { ProtocolView(try lab.storedProtocol(id, visibleTo: principal)) })
        }
        // What a merchant reads before consenting, with the SHA-256 the consent must name.
        router.get("/v1/protocols/{protocol}/document") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let language = request.uri.queryParameters.get("language") ?? "fr"
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking { () throws -> ConsentDocument in
                _ = try lab.storedProtocol(id, visibleTo: principal)
                return try lab.consentDocument(protocolID: id, language: language)
            })
        }
        router.get("/v1/protocols/{protocol}/consents") { _, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let lab = self.lab(principal)
            return try await self.blocking { () throws -> Response in
                let stored = try lab.storedProtocol(id, visibleTo: principal)
                switch principal.role {
                case .coordinator:
                    return try APIJSON.response(try lab.store.consentStatuses(merchantID: nil, protocolID: stored.id))
                case .merchant:
                    return try APIJSON.response(try lab.store.consentStatuses(merchantID: principal.subject, protocolID: stored.id))
                case .firm:
                    return try APIJSON.response(ConsentSummary(protocolID: stored.id, counts: try lab.consentCounts(protocolID: stored.id)))
                case .sponsor:
                    throw LabError(.forbidden, "A sponsor does not see consents: the merchant and the coordinator do.")
                }
            }
        }
        router.get("/v1/protocols/{protocol}/consent-events") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let merchant = request.uri.queryParameters.get("merchant")
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking {
                try lab.consentHistory(protocolID: id, merchantID: merchant, visibleTo: principal)
            })
        }
        router.post("/v1/protocols/{protocol}/consents") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let body = try await APIJSON.decode(ConsentRequest.self, from: request, context: context)
            let lab = self.lab(principal)
            let event = try await self.blocking { () throws -> ConsentEvent in
                try lab.requireActsFor(merchant: body.merchant, principal)
                _ = try lab.storedProtocol(id, visibleTo: principal)
                return try lab.giveConsent(merchantID: body.merchant, protocolID: id, language: body.language,
                                           shownSHA256: body.documentSHA256, purposes: body.purposes, channel: "api")
            }
            return try APIJSON.response(event, status: .created)
        }
        router.post("/v1/protocols/{protocol}/withdrawals") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let body = try await APIJSON.decode(WithdrawalRequest.self, from: request, context: context)
            let lab = self.lab(principal)
            let result = try await self.blocking { () throws -> WithdrawalResult in
                try lab.requireActsFor(merchant: body.merchant, principal)
                _ = try lab.storedProtocol(id, visibleTo: principal)
                let result = try lab.withdrawConsent(merchantID: body.merchant, protocolID: id, channel: "api")
                // One step: the plugin this server runs stops serving the merchant at once.
                if let runner = self.state.runners.withLock({ $0[id] }) { try? runner.deactivate(body.merchant) }
                return result
            }
            return try APIJSON.response(result, status: .created)
        }
        router.post("/v1/protocols/{protocol}/outcomes") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard buffer.readableBytes > 0 else {
                throw Problem(status: .badRequest, code: "invalid-input", detail: "The request needs a JSON body: see /openapi.json for its fields.")
            }
            let body = try OutcomeBatchRequest(json: String(buffer: buffer))
            guard body.outcomes.count <= Self.maxOutcomeBatch else {
                throw Problem(status: .contentTooLarge, code: "too-large",
                              detail: "A batch holds at most \(Self.maxOutcomeBatch) outcomes, not \(body.outcomes.count): split it.",
                              field: "outcomes")
            }
            let lab = self.lab(principal)
            let response = try await self.blocking { () throws -> OutcomeBatchResponse in
                let stored = try lab.storedProtocol(id, visibleTo: principal)
                try lab.requireRuns(stored, principal, for: "send its outcomes")
                let submissions = body.outcomes.map {
                    OutcomeSubmission(protocolID: id, merchantID: $0.merchant, metric: $0.metric, value: $0.value,
                                      unit: $0.unit, at: $0.at, source: $0.source ?? "api", idempotencyKey: $0.key)
                }
                let result = try lab.recordOutcomeBatch(submissions, protocolID: id)
                for case .rejected(let reason) in result.dispositions { self.state.metrics.count(refusal: reason.rawValue) }
                return OutcomeBatchResponse(
                    stored: result.stored, alreadyStored: result.duplicates, conflicts: result.conflicts,
                    refused: result.rejected.values.reduce(0, +),
                    results: zip(body.outcomes, result.dispositions).map { OutcomeRowResult(key: $0.key, $1) })
            }
            return try APIJSON.response(response)
        }
        router.get("/v1/protocols/{protocol}/report") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let format = request.uri.queryParameters.get("format") ?? "json"
            guard ["json", "csv", "html"].contains(format) else {
                throw Problem(status: .badRequest, code: "invalid-input",
                              detail: "`format` is json, csv or html, not `\(format)`.", field: "format")
            }
            let language = request.uri.queryParameters.get("lang") ?? "fr"
            guard Catalogue.languages.contains(language) else {
                throw Problem(status: .badRequest, code: "invalid-input",
                              detail: "`lang` is one of \(Catalogue.languages.joined(separator: ", ")), not `\(language)`.", field: "lang")
            }
            let lab = self.lab(principal)
            return try await self.blocking { () throws -> Response in
                let stored = try lab.storedProtocol(id, visibleTo: principal)
                var options = ReportOptions()
                switch principal.role {
                case .coordinator, .firm:
                    try lab.requireRuns(stored, principal, for: "read the trial's report")
                case .merchant:
                    options.merchantID = principal.subject  // their own figures only
                case .sponsor:
                    throw LabError(.forbidden, "A sponsor does not read trial reports: the merchant can share theirs.")
                }
                let report = try TrialReport.assemble(from: lab.store, protocolID: stored.id, options: options)
                switch format {
                case "csv":
                    return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: report.csvRendering())))
                case "html":
                    return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: ReportPage(report, language: language).html)))
                default:
                    return Response(status: .ok, headers: [.contentType: "application/json"],
                                    body: .init(byteBuffer: ByteBuffer(string: try report.jsonRendering())))
                }
            }
        }
    }
}
