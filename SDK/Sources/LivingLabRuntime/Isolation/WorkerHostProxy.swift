import Foundation

/// The host services inside a worker process: each call goes back to the host over the channel.
///
/// The worker serves one call at a time, so while the plugin runs, the only frames on the
/// channel are this proxy's questions and the host's answers.
package final class WorkerHostProxy: PluginHostServices {
    private let channel: WorkerChannel

    package init(channel: WorkerChannel) {
        self.channel = channel
    }

    private func ask(_ message: WorkerMessage) -> Result<WorkerMessage, HostDenial> {
        do {
            try channel.send(message)
            let answer = try channel.receive()
            guard answer.kind == .hostResult else {
                return .failure(HostDenial(.internal, "the host answered a host call with \(answer.kind)"))
            }
            if let denial = answer.denial {
                let code =
                    HostDenial.Code.consentGateCodes.first { $0.rawValue == denial }
                    ?? HostDenial.Code(rawValue: denial, status: answer.denialStatus ?? 3)
                return .failure(HostDenial(code, answer.message ?? "denied by the host"))
            }
            return .success(answer)
        } catch {
            return .failure(HostDenial(.internal, "the host channel failed: \(error)"))
        }
    }

    private func request(_ call: String, merchant: String? = nil, key: String? = nil, value: String? = nil)
        -> WorkerMessage
    {
        var message = WorkerMessage(.host)
        message.call = call
        message.merchant = merchant
        message.key = key
        message.value = value
        return message
    }

    package func logOutcome(_ outcome: PluginOutcome, from plugin: PluginIdentity) -> Result<Void, HostDenial> {
        ask(request("logOutcome", value: outcome.wireJSON)).map { _ in () }
    }

    package func merchantFields(_ merchantID: String, for plugin: PluginIdentity) -> Result<[String: String], HostDenial> {
        ask(request("merchantFields", merchant: merchantID)).map { $0.fields ?? [:] }
    }

    package func armConfiguration(_ merchantID: String, for plugin: PluginIdentity) -> Result<String, HostDenial> {
        ask(request("armConfiguration", merchant: merchantID)).map { $0.value ?? "{}" }
    }

    package func storageGet(_ key: String, merchantID: String?, for plugin: PluginIdentity) -> Result<String?, HostDenial> {
        ask(request("storageGet", merchant: merchantID, key: key)).map(\.value)
    }

    package func storageSet(_ key: String, value: String?, merchantID: String?, for plugin: PluginIdentity)
        -> Result<Void, HostDenial>
    {
        ask(request(value == nil ? "storageDelete" : "storageSet", merchant: merchantID, key: key, value: value))
            .map { _ in () }
    }

    package func now() -> Date {
        switch ask(request("now")) {
        case .success(let answer): Date(timeIntervalSince1970: answer.time ?? Date().timeIntervalSince1970)
        case .failure: Date()
        }
    }

    package func log(_ level: PluginLogLevel, _ message: String, from plugin: PluginIdentity) {
        var line = request("log", value: message)
        line.level = level.rawValue
        _ = ask(line)
    }
}

extension PluginOutcome {
    /// The outcome as `log_outcome` spells it in the header, so the host checks it as if the plugin sent it.
    package var wireJSON: String {
        var members: [String: Any] = [
            "merchant": merchantID, "metric": metric, "value": value, "unit": unit, "idempotency_key": idempotencyKey,
        ]
        if let at { members["at"] = ISO8601.format(at) }
        let data = (try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
