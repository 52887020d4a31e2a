import Foundation
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials

/// The coordinator's control of a trial: approval, enrollment, assignment, and its state.
extension LabServer {
    func addTrialRoutes(to router: Router<LabRequestContext>) {
        router.post("/v1/protocols/{protocol}/approval") { _, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "approve a protocol")
            let view = try await self.blocking { () throws -> ProtocolView in
                _ = try lab.storedProtocol(id, visibleTo: principal)
                _ = try lab.approveProtocol(id)
                return ProtocolView(try lab.store.storedProtocol(id))
            }
            return try APIJSON.response(view, status: .created)
        }
        router.post("/v1/protocols/{protocol}/enrollments") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "enroll merchants")
            let body = try await APIJSON.decode(EnrollmentRequest.self, from: request, context: context)
            let enrollments = try await self.blocking { () throws -> [Enrollment] in
                _ = try lab.storedProtocol(id, visibleTo: principal)
                return try lab.enroll(in: id, cohort: body.cohort, merchantIDs: body.merchants)
            }
            return try APIJSON.response(enrollments, status: .created)
        }
        router.post("/v1/protocols/{protocol}/assignment") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "assign arms")
            let body = try await APIJSON.decode(AssignmentRequest.self, from: request, context: context)
            let view = try await self.blocking { () throws -> AssignmentView in
                _ = try lab.storedProtocol(id, visibleTo: principal)
                let outcome = try lab.assign(protocolID: id, design: body.design, seed: body.seed, overrideReason: body.overrideReason)
                return AssignmentView(protocolID: id, design: outcome.plan.design, seed: outcome.plan.seed, draws: outcome.draws,
                                      assignments: outcome.plan.entries.map { .init(merchant: $0.merchantID, arm: $0.arm) })
            }
            return try APIJSON.response(view, status: .created)
        }
        router.post("/v1/protocols/{protocol}/state") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameter("protocol")
            let lab = self.lab(principal)
            try lab.requireCoordinator(principal, for: "start, pause or stop a trial")
            let body = try await APIJSON.decode(TrialStateRequest.self, from: request, context: context)
            guard let state = TrialState(rawValue: body.state), [.running, .paused, .stopped].contains(state) else {
                throw Problem(status: .badRequest, code: "invalid-input",
                              detail: "`state` is running, paused or stopped, not `\(body.state)`.", field: "state")
            }
            let change = try await self.blocking { () throws -> TrialChange in
                _ = try lab.storedProtocol(id, visibleTo: principal)
                // Pausing or stopping needs nothing more here: the placement rule refuses the plugin's next call.
                return state == .running ? try lab.startTrial(id) : try lab.setTrialState(id, to: state)
            }
            return try APIJSON.response(change)
        }
    }
}

/// `POST /v1/protocols/{id}/enrollments`: a cohort's name, or a list of merchants.
struct EnrollmentRequest: Codable, Sendable {
    var cohort: String?
    var merchants: [String]?
}

/// `POST /v1/protocols/{id}/assignment`: the protocol's design and seed unless given; a reason to redraw a committed one.
struct AssignmentRequest: Codable, Sendable {
    var design: String?
    var seed: UInt64?
    var overrideReason: String?
}

struct AssignmentView: Codable, Sendable {
    struct Entry: Codable, Sendable {
        var merchant: String
        var arm: String
    }
    var protocolID: String
    var design: String
    var seed: UInt64
    var draws: Int
    var assignments: [Entry]
}

/// `POST /v1/protocols/{id}/state`.
struct TrialStateRequest: Codable, Sendable {
    var state: String
}
