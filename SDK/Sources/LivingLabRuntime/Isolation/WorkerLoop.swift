import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The body of `livinglab-plugin-worker`: loads one plugin and serves the host's calls until the host hangs up.
@_spi(Worker) public enum WorkerLoop {
    /// Serves on stdin/stdout; returns the process exit code.
    public static func run() -> Int32 {
        // A dead host must end the worker quietly, not with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        // Keep the channel on a private descriptor and point stdout at stderr, so a plugin that
        // prints cannot corrupt the frames.
        let channelFD = dup(STDOUT_FILENO)
        guard channelFD >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else { return 70 }
        let channel = WorkerChannel(readFD: STDIN_FILENO, writeFD: channelFD)
        let services = WorkerHostProxy(channel: channel)
        var instance: PluginInstance?

        while true {
            let message: WorkerMessage
            do {
                message = try channel.receive()
            } catch {
                return 0  // the host closed the channel: nothing left to serve
            }
            var answer = WorkerMessage(.result)
            do {
                switch message.kind {
                case .load:
                    let binary = try PluginLoader.load(path: message.path ?? "", expectedSHA256: message.sha256)
                    instance = try PluginInstance(
                        binary: binary, services: services, configuration: message.configuration ?? "{}")
                    answer.response = binary.manifestJSON
                    answer.sha256 = binary.sha256
                case .activate:
                    try loaded(instance).activate(
                        merchantID: message.merchant ?? "", fields: message.fields ?? [:], arm: message.arm ?? "",
                        armConfiguration: message.configuration ?? "{}")
                case .handle:
                    answer.response = try loaded(instance).handle(
                        merchantID: message.merchant ?? "", request: message.request ?? "")
                case .deactivate:
                    try loaded(instance).deactivate(merchantID: message.merchant ?? "")
                case .result, .host, .hostResult:
                    answer.error = PluginCallError.Code.internal.rawValue
                    answer.message = "the worker does not accept \(message.kind) messages"
                }
            } catch let error as PluginLoadError {
                answer.error = error.code.rawValue
                answer.message = error.message
            } catch let error as PluginCallError {
                answer.error = error.code.rawValue
                answer.denial = error.denial?.rawValue
                answer.denialStatus = error.denial?.status
                answer.message = error.message
            } catch {
                answer.error = PluginCallError.Code.internal.rawValue
                answer.message = String(describing: error)
            }
            do {
                try channel.send(answer)
            } catch {
                return 0
            }
        }
    }

    private static func loaded(_ instance: PluginInstance?) throws -> PluginInstance {
        guard let instance else {
            throw PluginCallError(
                .internal, message: "the worker has no plugin loaded yet",
                plugin: PluginIdentity(id: "", version: "", firm: ""))
        }
        return instance
    }
}
