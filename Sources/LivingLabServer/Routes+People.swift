import Foundation
import Hummingbird
import LivingLabCore
import LivingLabTrials

/// Merchants and feedback.
extension LabServer {
    func addPeopleRoutes(to router: Router<LabRequestContext>) {
        router.get("/v1/merchants") { request, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            let criteria = request.uri.queryParameters.get("where")
            return try APIJSON.response(try await self.blocking { try lab.merchants(visibleTo: principal, matching: criteria) })
        }
        router.get("/v1/merchants/{merchant}") { _, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("merchant")
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking { try lab.merchantProfile(id, visibleTo: principal) })
        }
        router.get("/v1/merchants/{merchant}/invitations") { _, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("merchant")
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking { try lab.invitations(of: id, visibleTo: principal) })
        }
        router.get("/v1/feedback") { request, context in
            let principal = try context.requirePrincipal()
            let plugin = request.uri.queryParameters.get("plugin")
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking { try lab.feedback(visibleTo: principal, pluginID: plugin) })
        }
        router.post("/v1/feedback/{feedback}/answers") { request, context in
            let principal = try context.requirePrincipal()
            let text = try context.parameter("feedback")
            guard let id = Int64(text), id > 0 else {
                throw Problem(status: .badRequest, code: "invalid-input",
                              detail: "`\(text)` is not a feedback number: use the `id` that GET /v1/feedback gives.", field: "feedback")
            }
            let body = try await APIJSON.decode(AnswerRequest.self, from: request, context: context)
            let lab = self.lab(principal)
            let answer = try await self.blocking { try lab.answerFeedback(id, text: body.text, as: principal) }
            return try APIJSON.response(answer, status: .created)
        }
        router.post("/v1/feedback") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await APIJSON.decode(FeedbackRequest.self, from: request, context: context)
            let kind: Feedback.AuthorKind
            switch principal.role {
            case .merchant: kind = .merchant
            case .sponsor: kind = .sponsor
            case .coordinator, .firm:
                throw LabError(.forbidden, "Feedback comes from merchants and sponsors: use their token.")
            }
            let lab = self.lab(principal)
            let feedback = try await self.blocking {
                try lab.recordFeedback(author: principal.subject ?? "", kind: kind, pluginID: body.plugin, text: body.text,
                                       rating: body.rating)
            }
            return try APIJSON.response(feedback, status: .created)
        }
    }
}

/// `POST /v1/feedback/{id}/answers`.
struct AnswerRequest: Codable, Sendable {
    var text: String
}
