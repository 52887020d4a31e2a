import Foundation
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import NIOCore

/// `GET /health`, `/ready`, `/metrics`, `/openapi.json` and `/v1/me`.
extension LabServer {
    func addOperationalRoutes(to router: Router<LabRequestContext>) {
        // Liveness: the process answers.
        router.get("/health") { _, _ in
            try APIJSON.response(["status": "ok"])
        }
        // Readiness: the database answers a read.
        router.get("/ready") { _, _ in
            let store = self.store
            do {
                _ = try await self.blocking { try store.protocolIDs() }
                return try APIJSON.response(["status": "ready"])
            } catch {
                throw Problem(status: .serviceUnavailable, code: "not-ready",
                              detail: "The lab database does not answer: check the server's log.", retryAfter: 5)
            }
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: self.state.metrics.text())))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
        router.get("/v1/me") { _, context in
            let principal = try context.requirePrincipal()
            return try APIJSON.response(Me(role: principal.role, subject: principal.subject, token: principal.tokenID))
        }
        router.get("/v1/audit/verify") { _, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "verify the audit chain")
            return try APIJSON.response(try await self.blocking { try lab.store.verifyAudit() })
        }
    }
}

/// Who the caller is.
struct Me: Codable, Sendable {
    var role: LabRole
    var subject: String?
    var token: String
}
