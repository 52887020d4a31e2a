import Foundation
import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// Isolated mode: the plugin runs in `livinglab-plugin-worker`, and its crashes stay there.
@Suite struct IsolatedPluginTests {
    /// A C plugin that crashes, hangs or prints on request, and otherwise logs an outcome.
    static let unstable: Result<String, any Error> = Result {
        let source = TestSupport.descriptorSource().replacingOccurrences(
            of: """
                static int32_t handle(void *i, const char *id, const char *r, char **out, char **m) {
                    (void)i; (void)id; (void)r; (void)m; *out = NULL; return LIVINGLAB_OK;
                }
                """,
            with: """
                static int32_t handle(void *i, const char *id, const char *r, char **out, char **m) {
                    (void)i; (void)m;
                    if (strstr(r, "\\"crash\\"") != NULL) abort();
                    if (strstr(r, "\\"hang\\"") != NULL) for (;;) sleep(1);
                    if (strstr(r, "\\"print\\"") != NULL) { printf("stray output\\n"); fflush(stdout); }
                    char outcome[256];
                    snprintf(outcome, sizeof outcome,
                        "{\\"merchant\\": \\"%s\\", \\"metric\\": \\"visits\\", \\"value\\": 1, \\"idempotency_key\\": \\"%ld\\"}",
                        id, (long)time(NULL) ^ (long)rand());
                    char *message = NULL;
                    int32_t status = the_host->log_outcome(the_host->context, outcome, &message);
                    the_host->free(message);
                    if (status != LIVINGLAB_OK) return status;
                    *out = strdup("{\\"ok\\": true}");
                    return LIVINGLAB_OK;
                }
                """
        ).replacingOccurrences(
            of: "#include <stdlib.h>",
            with: "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <time.h>\n#include <unistd.h>\n"
                + "#include \"livinglab_plugin.h\"\nstatic const livinglab_host *the_host;"
        ).replacingOccurrences(
            of: "(void)p; (void)h; (void)c; (void)m; *i = malloc(1);",
            with: "(void)p; (void)c; (void)m; the_host = h; *i = malloc(1);")
        return try TestSupport.compileC(source, named: "Unstable", in: try TestSupport.processFolder("unstable"))
    }

    private func lab() -> InMemoryPluginHost {
        let lab = InMemoryPluginHost()
        lab.enroll("bakery", arm: "treatment", armConfiguration: #"{"greeting": "salut"}"#, fields: ["sector": "bakery"])
        lab.giveConsent("bakery")
        return lab
    }

    private func quickIsolation(timeout: TimeInterval = 10) -> IsolatedPluginInstance.Isolation {
        var isolation = IsolatedPluginInstance.Isolation()
        isolation.restartBackoff = 0.01
        isolation.callTimeout = timeout
        return isolation
    }

    @Test func anIsolatedPluginReachesTheLabsServicesThroughTheWorker() throws {
        let lab = lab()
        lab.enroll("control-shop", arm: "control", control: true)
        lab.giveConsent("control-shop")
        let plugin = try IsolatedPluginInstance(path: TestSupport.visitCounter.get(), services: lab)
        #expect(plugin.manifest.id == "org.livinglab.example.visitcounter")
        #expect(plugin.workerProcessID != getpid())
        try plugin.activate(merchantID: "bakery", fields: ["sector": "bakery"], arm: "treatment")
        _ = try plugin.handle(merchantID: "bakery", request: #"{"action": "visit", "visit_id": "v1"}"#)
        let second = try plugin.handle(merchantID: "bakery", request: #"{"action": "visit", "visit_id": "v2"}"#)
        #expect(second.contains("\"visits\": 2"))
        #expect(lab.outcomes.map(\.outcome.idempotencyKey) == ["v1", "v2"])
        let whoami = try plugin.handle(merchantID: "bakery", request: #"{"action": "whoami"}"#)
        #expect(whoami.contains("salut"))
        let denied = try #require(throws: PluginCallError.self) {
            try plugin.handle(merchantID: "bakery", request: #"{"action": "visit", "visit_id": "v3", "merchant": "control-shop"}"#)
        }
        #expect(denied.denial == .controlArm)
        #expect(lab.denialCount(.controlArm) == 1)
        #expect(lab.logLines.contains { $0.message.contains("counting visits for bakery") })
    }

    @Test func aCrashingPluginDoesNotTakeTheHostDownAndIsRestartedWithItsMerchants() throws {
        let lab = lab()
        let plugin = try IsolatedPluginInstance(path: Self.unstable.get(), services: lab, isolation: quickIsolation())
        try plugin.activate(merchantID: "bakery", fields: [:], arm: "treatment")
        let firstWorker = try #require(plugin.workerProcessID)
        let error = try #require(throws: PluginCallError.self) {
            try plugin.handle(merchantID: "bakery", request: #"{"action": "crash"}"#)
        }
        #expect(error.code == .crashed)
        #expect(error.message.contains("crashed (signal \(SIGABRT))"))
        #expect(error.message.contains("restarted at the next call"))
        #expect(plugin.crashCount == 1)
        let answer = try plugin.handle(merchantID: "bakery", request: #"{"action": "visit"}"#)
        #expect(answer.contains("\"ok\""))
        #expect(plugin.workerProcessID != firstWorker)
        #expect(plugin.activeMerchants == ["bakery"])
        #expect(lab.outcomes.count == 1)
    }

    @Test func aPluginThatKeepsCrashingIsMarkedFailingAndRefused() throws {
        let plugin = try IsolatedPluginInstance(path: Self.unstable.get(), services: lab(), isolation: quickIsolation())
        try plugin.activate(merchantID: "bakery", fields: [:], arm: "treatment")
        for _ in 1...3 {
            #expect(throws: PluginCallError.self) { try plugin.handle(merchantID: "bakery", request: #"{"action": "crash"}"#) }
        }
        #expect(plugin.isFailing)
        let error = try #require(throws: PluginCallError.self) {
            try plugin.handle(merchantID: "bakery", request: #"{"action": "visit"}"#)
        }
        #expect(error.code == .failing)
        #expect(error.message.contains("crashed 3 times and is marked failing"))
    }

    @Test(.timeLimit(.minutes(1))) func aHungPluginIsStoppedAfterTheCallTimeout() throws {
        let plugin = try IsolatedPluginInstance(
            path: Self.unstable.get(), services: lab(), isolation: quickIsolation(timeout: 1))
        try plugin.activate(merchantID: "bakery", fields: [:], arm: "treatment")
        let started = Date()
        let error = try #require(throws: PluginCallError.self) {
            try plugin.handle(merchantID: "bakery", request: #"{"action": "hang"}"#)
        }
        #expect(error.code == .crashed)
        #expect(error.message.contains("did not answer within"))
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try plugin.handle(merchantID: "bakery", request: #"{"action": "visit"}"#).contains("ok"))
    }

    @Test func whatAPluginPrintsCannotCorruptTheWorkerProtocol() throws {
        let lab = lab()
        let plugin = try IsolatedPluginInstance(path: Self.unstable.get(), services: lab)
        try plugin.activate(merchantID: "bakery", fields: [:], arm: "treatment")
        #expect(try plugin.handle(merchantID: "bakery", request: #"{"action": "print"}"#).contains("ok"))
        #expect(plugin.crashCount == 0)
        #expect(lab.outcomes.count == 1)
    }

    @Test func aLoadErrorInTheWorkerArrivesWithItsCode() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC(TestSupport.descriptorSource(abiVersion: "7"), named: "Future", in: folder)
        let error = try #require(throws: PluginLoadError.self) {
            try IsolatedPluginInstance(path: path, services: lab())
        }
        #expect(error.code == .abiMismatch)
        #expect(error.message.contains("built for ABI 7"))
    }

    @Test func anIsolatedPluginRefusesMerchantsItIsNotActiveFor() throws {
        let plugin = try IsolatedPluginInstance(path: TestSupport.visitCounter.get(), services: lab())
        let error = try #require(throws: PluginCallError.self) {
            try plugin.handle(merchantID: "bakery", request: #"{"action": "visit", "visit_id": "v1"}"#)
        }
        #expect(error.code == .notActive)
    }
}
