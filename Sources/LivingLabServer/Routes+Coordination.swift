import Foundation
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials

/// What a coordinator writes and everyone reads: cohorts, protocols and their amendments, shocks on the street.
extension LabServer {
    func addCoordinationRoutes(to router: Router<LabRequestContext>) {
        router.get("/v1/cohorts") { _, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "read cohorts")
            return try APIJSON.response(try await self.blocking { try lab.store.cohortNames().map { try lab.store.cohort($0) } })
        }
        router.get("/v1/cohorts/{cohort}") { _, context in
            let principal = try context.requirePrincipal()
            let name = try context.parameter("cohort")
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "read cohorts")
            return try APIJSON.response(try await self.blocking { try lab.store.cohort(name) })
        }
        router.post("/v1/cohorts") { request, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "create cohorts")
            let body = try await APIJSON.decode(CohortRequest.self, from: request, context: context)
            let cohort = try await self.blocking {
                try lab.createCohort(name: body.name, criteria: body.where, merchantIDs: body.merchants)
            }
            return try APIJSON.response(cohort, status: .created)
        }
        // A protocol's YAML as a coordinator writes it, with its consent documents' texts: created, or amended with
        // the diff and whether the change is material.
        router.post("/v1/protocols") { request, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "write or amend protocols")
            let body = try await APIJSON.decode(ProtocolApplyRequest.self, from: request, context: context)
            let result = try await self.blocking { () throws -> ProtocolApplyView in
                let definition: ExperimentProtocol
                do {
                    definition = try LabFiles.protocolDefinition(yaml: body.yaml, documents: body.documents)
                } catch let error as LabError {
                    throw Problem(status: .badRequest, code: "invalid-input", detail: error.message, field: "yaml")
                }
                let result = try lab.applyProtocol(definition, reason: body.reason)
                return ProtocolApplyView(kind: result.kind.rawValue, protocolID: result.protocolID, version: result.version,
                                         material: result.diff.isMaterial, changes: result.diff.changes)
            }
            return try APIJSON.response(result, status: result.kind == "created" ? .created : .ok)
        }
        router.get("/v1/protocols/{protocol}/history") { _, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking {
                try lab.storedProtocol(id, visibleTo: principal).versions.map(ProtocolVersionView.init)
            })
        }
        router.get("/v1/shocks") { _, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            return try APIJSON.response(try await self.blocking { try lab.store.shocks() })
        }
        router.post("/v1/shocks") { request, context in
            let principal = try context.requirePrincipal()
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "record shocks")
            let body = try await APIJSON.decode(ShockRequest.self, from: request, context: context)
            let shock = try await self.blocking { () throws -> Shock in
                let period = DayRange(start: try Self.day(body.start, field: "start"), end: try Self.day(body.end, field: "end"))
                return try lab.recordShock(Shock(id: body.id, kind: body.kind, segments: body.segments, period: period,
                                                 description: body.description ?? ""))
            }
            return try APIJSON.response(shock, status: .created)
        }
    }

    static func day(_ text: String, field: String) throws -> CalendarDay {
        do {
            return try CalendarDay(text)
        } catch {
            throw Problem(status: .badRequest, code: "invalid-input", detail: "`\(field)`: \(error.message)", field: field)
        }
    }
}

/// `POST /v1/cohorts`: a criteria expression, or merchants chosen by hand.
struct CohortRequest: Codable, Sendable {
    var name: String
    var `where`: String?
    var merchants: [String]?
}

/// `POST /v1/protocols`.
struct ProtocolApplyRequest: Codable, Sendable {
    /// The protocol as YAML, as in `Examples/bordeaux/protocols`.
    var yaml: String
    /// The consent documents' texts by language: one for each document the YAML names.
    var documents: [String: String]
    /// Why the protocol changes (required for an amendment).
    var reason: String?
}

struct ProtocolApplyView: Codable, Sendable {
    var kind: String
    var protocolID: String
    var version: Int
    var material: Bool
    var changes: [ProtocolChange]
}

/// One version of a protocol, as its history lists it.
struct ProtocolVersionView: Codable, Sendable {
    var version: Int
    var createdAt: Date
    var material: Bool
    var approvedAt: Date?
    var reason: String?
    var documentSHA256: [String: String]

    init(_ version: ProtocolVersion) {
        self.version = version.version
        createdAt = version.createdAt
        material = version.material
        approvedAt = version.approvedAt
        reason = version.amendmentReason
        documentSHA256 = version.documentHashes
    }
}

/// `POST /v1/shocks`.
struct ShockRequest: Codable, Sendable {
    var id: String
    var kind: String
    var segments: [String]
    /// The first and last day, `YYYY-MM-DD`.
    var start: String
    var end: String
    var description: String?
}
