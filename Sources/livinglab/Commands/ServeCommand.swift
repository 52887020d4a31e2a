import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabServer
import LivingLabStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the lab's JSON API over HTTP (roles and tokens, OpenAPI at /openapi.json).",
        discussion: """
            Callers present a token made with `livinglab token create`. SIGTERM or SIGINT stops the server after the \
            requests in flight are answered. Logs go to standard error ($LIVINGLAB_LOG_LEVEL, default warning).

            Example:
              livinglab serve --db livinglab-demo.sqlite --port 8080
            """)
    @OptionGroup var lab: LabOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port, printed at start).") var port = 8080
    @Option(help: "Requests per second each caller may send (a token, or an address without one).")
    var rateLimit: Double = 50

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port is a number from 0 to 65535, not \(port).") }
        guard rateLimit > 0 else { throw ValidationError("--rate-limit must be positive, e.g. --rate-limit 50.") }
    }

    func run() async throws {
        let store = try lab.open()
        var configuration = LabServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.requestsPerSecond = rateLimit
        configuration.burst = rateLimit * 2
        let host = self.host
        let path = lab.path
        try await LabServer(store: store, configuration: configuration).run { port in
            Terminal.line("LivingLab serving \(path) on http://\(host):\(port) (OpenAPI at /openapi.json)")
        }
    }
}
