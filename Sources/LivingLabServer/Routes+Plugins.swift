import Foundation
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import NIOCore
import Synchronization

/// The routes through which a plugin serves a merchant's customers: public (a customer has no token), and answered
/// only where the placement rule lets the plugin serve that merchant now.
extension LabServer {
    func addPluginRoutes(to router: Router<LabRequestContext>) {
        router.post("/v1/merchants/{merchant}/plugins/{plugin}/requests") { request, context in
            let merchantID = try context.parameter("merchant")
            let pluginID = try context.parameter("plugin")
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let text = String(buffer: buffer)
            _ = try JSONValue.parse(text)
            // An in-process plugin answers in microseconds: it is called here, without a thread hop; an isolated one
            // (its worker's pipe) and the first call (loading the plugin) run off the server's threads.
            if let runner = self.knownRunner(pluginID: pluginID, merchantID: merchantID), runner.runsInProcess {
                return try self.answer(runner, pluginID: pluginID, merchantID: merchantID, request: text)
            }
            return try await self.blocking { () throws -> Response in
                let runner = try self.runner(pluginID: pluginID, merchantID: merchantID)
                return try self.answer(runner, pluginID: pluginID, merchantID: merchantID, request: text)
            }
        }
    }

    /// Calls the plugin and encodes its answer; a refusal by the placement rule is a 404 and forgets the route.
    func answer(_ runner: TrialRunner, pluginID: String, merchantID: String, request text: String) throws(LabError) -> Response {
        let answer: String
        do throws(LabError) {
            answer = try runner.call(merchantID, request: text)
            state.metrics.count(pluginCall: false)
        } catch {
            state.metrics.count(pluginCall: true)
            if error.code == .consentDenied {
                state.routes.withLock { _ = $0.removeValue(forKey: "\(pluginID)|\(merchantID)") }
                state.metrics.count(refusal: "plugin-not-serving")
                throw LabError.notFound("Plugin \(pluginID) does not serve merchant \(merchantID) now.")
            }
            throw error
        }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: answer)))
    }

    /// The runner already found for a plugin and a merchant, if any.
    func knownRunner(pluginID: String, merchantID: String) -> TrialRunner? {
        guard let id = state.routes.withLock({ $0["\(pluginID)|\(merchantID)"] }) else { return nil }
        return state.runners.withLock { $0[id] }
    }

    /// The running trial whose plugin is `pluginID` and which enrolls `merchantID`, loaded once per server.
    ///
    /// The trial found for a plugin and a merchant is remembered; every call still goes through the placement rule
    /// (``TrialRunner/call(_:request:)``), and a refusal forgets it.
    func runner(pluginID: String, merchantID: String) throws(LabError) -> TrialRunner {
        let key = "\(pluginID)|\(merchantID)"
        if let runner = knownRunner(pluginID: pluginID, merchantID: merchantID) { return runner }
        for id in try store.protocolIDs() {
            let stored = try store.storedProtocol(id)
            guard stored.state == .running, stored.latest.definition.plugin.id == pluginID,
                  try !store.enrollments(protocolID: id, merchantID: merchantID).isEmpty else { continue }
            state.routes.withLock { $0[key] = id }
            if let runner = state.runners.withLock({ $0[id] }) { return runner }
            let runner = try TrialRunner(store: store, protocolID: id)
            return state.runners.withLock { runners in
                if let existing = runners[id] { return existing }
                runners[id] = runner
                return runner
            }
        }
        throw .notFound("Plugin \(pluginID) does not serve merchant \(merchantID) now.")
    }
}
