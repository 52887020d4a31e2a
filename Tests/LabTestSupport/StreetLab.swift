import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabPluginTesting
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials
import Testing

/// A fake lab with one trial of a first-party plugin, its merchants enrolled and consenting, and a clock that
/// follows the requests: what every test in this target starts from.
public struct StreetLab {
    public let host: InMemoryPluginHost
    public let plugin: PluginTestHarness

    /// The street's time zone, in which shop hours are read.
    public static let paris = TimeZone(identifier: "Europe/Paris")!
    /// Consent is given the day before the trial's first request.
    public static let consentDay = StreetLab.time("2026-11-30T08:00")

    /// Loads the built plugin library and enrolls each merchant with its arm configuration and fields, consenting.
    public init(plugin name: String, merchants: [(id: String, arm: String, configuration: String, fields: [String: String])])
        throws
    {
        host = InMemoryPluginHost(trial: "axis-trial", now: Self.consentDay)
        for merchant in merchants {
            host.enroll(
                merchant.id, arm: merchant.arm, armConfiguration: merchant.configuration, fields: merchant.fields)
            host.giveConsent(merchant.id, at: Self.consentDay)
        }
        plugin = try PluginTestHarness(pluginNamed: name, host: host)
        for merchant in merchants { try plugin.activate(merchant.id) }
    }

    /// One merchant, `shop-1`, in arm `treatment`.
    public init(plugin name: String, configuration: String = "{}", fields: [String: String] = [:]) throws {
        try self.init(plugin: name, merchants: [("shop-1", "treatment", configuration, fields)])
    }

    /// A local time on the street, "2026-12-01T10:00".
    public static func time(_ local: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        let parts = local.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        return calendar.date(
            from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
    }

    /// The same instant as the plugins write it: ISO-8601 with the street's offset.
    public static func text(_ local: String) -> String {
        time(local).formatted(
            Date.ISO8601FormatStyle(timeSeparator: .colon, timeZoneSeparator: .colon, timeZone: paris))
    }

    /// Sends a request at a local time, moving the lab's clock there first, and decodes the response.
    public func call<Response: Decodable>(
        _ merchant: String, _ action: String, _ body: [String: Any] = [:], at local: String,
        as type: Response.Type
    ) throws -> Response {
        host.setNow(Self.time(local))
        return try plugin.call(merchant, action: action, body, at: Self.time(local), as: type)
    }

    /// Sends a request whose response the test does not read.
    public func send(_ merchant: String, _ action: String, _ body: [String: Any] = [:], at local: String) throws {
        host.setNow(Self.time(local))
        _ = try plugin.call(merchant, action: action, body, at: Self.time(local))
    }

    /// The error a request fails with; fails the test if it succeeds.
    public func failure(
        _ merchant: String, _ action: String, _ body: [String: Any] = [:], at local: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> PluginCallError? {
        host.setNow(Self.time(local))
        do {
            _ = try plugin.call(merchant, action: action, body, at: Self.time(local))
            Issue.record("'\(action)' succeeded but should have failed", sourceLocation: sourceLocation)
            return nil
        } catch let error as PluginCallError {
            return error
        } catch {
            Issue.record("'\(action)' failed with \(error), not a plugin error", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// ``call(_:_:_:at:as:)`` for `shop-1`.
    public func call<Response: Decodable>(
        _ action: String, _ body: [String: Any] = [:], at local: String, as type: Response.Type
    )
        throws -> Response
    {
        try call("shop-1", action, body, at: local, as: type)
    }

    /// ``send(_:_:_:at:)`` for `shop-1`.
    public func send(_ action: String, _ body: [String: Any] = [:], at local: String) throws {
        try send("shop-1", action, body, at: local)
    }

    /// ``failure(_:_:_:at:sourceLocation:)`` for `shop-1`.
    public func failure(
        _ action: String, _ body: [String: Any] = [:], at local: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> PluginCallError? {
        failure("shop-1", action, body, at: local, sourceLocation: sourceLocation)
    }

    /// Stored outcomes of one metric, in the order they were logged.
    public func outcomes(_ metric: String, merchant: String = "shop-1") -> [PluginOutcome] {
        host.outcomes.map(\.outcome).filter { $0.metric == metric && $0.merchantID == merchant }
    }

    /// The values of one metric's stored outcomes.
    public func values(_ metric: String, merchant: String = "shop-1") -> [Double] {
        outcomes(metric, merchant: merchant).map(\.value)
    }
}
