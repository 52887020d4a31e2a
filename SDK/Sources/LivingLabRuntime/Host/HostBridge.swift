import Foundation
import LivingLabPluginABI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C host function table of one plugin instance, forwarding to ``PluginHostServices``.
///
/// It checks what the plugin sends against the manifest (a declared metric, its unit, a
/// finite value, a key) before the lab sees it, and turns every ``HostDenial`` into the
/// status code the header documents.
///
/// `@unchecked Sendable`: `table` is written once in `init` and only read afterwards; the
/// rest is immutable and `Sendable`.
package final class HostBridge: @unchecked Sendable {
    package let services: any PluginHostServices
    package let manifest: PluginManifestInfo
    package let table: UnsafeMutablePointer<livinglab_host>

    package init(services: any PluginHostServices, manifest: PluginManifestInfo) {
        self.services = services
        self.manifest = manifest
        table = .allocate(capacity: 1)
        table.initialize(
            to: livinglab_host(
                abi_version: PluginABI.currentVersion,
                struct_size: UInt32(MemoryLayout<livinglab_host>.size),
                context: nil,
                free: { buffer in free(buffer) },
                log_outcome: hostLogOutcome,
                merchant_fields: hostMerchantFields,
                arm_configuration: hostArmConfiguration,
                storage_get: hostStorageGet,
                storage_set: hostStorageSet,
                storage_delete: hostStorageDelete,
                log: hostLog,
                now_ms: hostNow
            ))
        // Unretained: the owner of the bridge keeps it alive for as long as the plugin holds the table.
        table.pointee.context = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        table.deinitialize(count: 1)
        table.deallocate()
    }

    package var identity: PluginIdentity { manifest.identity }

    static func from(_ context: UnsafeMutableRawPointer?) -> HostBridge? {
        context.map { Unmanaged<HostBridge>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The outcome as the header spells it; every member optional so each gets its own message.
    private struct WireOutcome: Decodable {
        var merchant: String?
        var metric: String?
        var value: Double?
        var unit: String?
        var at: String?
        var idempotencyKey: String?

        enum CodingKeys: String, CodingKey {
            case merchant, metric, value, unit, at
            case idempotencyKey = "idempotency_key"
        }
    }

    /// Checks an outcome the plugin sent as JSON against its manifest.
    package func parseOutcome(_ text: String) -> Result<PluginOutcome, HostDenial> {
        let wire: WireOutcome
        do {
            wire = try JSONDecoder().decode(WireOutcome.self, from: Data(text.utf8))
        } catch {
            return .failure(
                HostDenial(
                    .invalid,
                    "the outcome is not a JSON object with string members and a numeric \"value\" (\(error)): \(text)"))
        }
        guard let merchant = wire.merchant, !merchant.isEmpty else {
            return .failure(HostDenial(.invalid, "the outcome has no \"merchant\" string"))
        }
        guard let metricName = wire.metric else {
            return .failure(HostDenial(.invalid, "the outcome has no \"metric\" string"))
        }
        guard let metric = manifest.metric(named: metricName) else {
            let declared = manifest.metrics.map(\.name).joined(separator: ", ")
            return .failure(
                HostDenial(
                    .invalid,
                    "metric \"\(metricName)\" is not declared in the manifest (declared: \(declared.isEmpty ? "none" : declared)): "
                        + "declare it in the manifest's metrics and ship a new version"))
        }
        guard let value = wire.value, value.isFinite else {
            return .failure(HostDenial(.invalid, "the outcome's \"value\" must be a finite number"))
        }
        let unit = wire.unit ?? metric.unit
        guard unit == metric.unit else {
            return .failure(
                HostDenial(.invalid, "metric \"\(metricName)\" is declared in \(metric.unit), the outcome says \(unit)"))
        }
        guard let key = wire.idempotencyKey, !key.isEmpty else {
            return .failure(
                HostDenial(
                    .invalid,
                    "the outcome has no \"idempotency_key\": give each outcome a key that is the same when it is logged again"))
        }
        var at: Date?
        if let stamp = wire.at {
            guard let date = ISO8601.parse(stamp) else {
                return .failure(HostDenial(.invalid, "the outcome's \"at\" must be an ISO-8601 date such as 2026-05-04T10:00:00Z"))
            }
            at = date
        }
        return .success(
            PluginOutcome(merchantID: merchant, metric: metricName, value: value, unit: unit, at: at, idempotencyKey: key))
    }
}

/// ISO-8601 dates as the ABI spells them, with or without fractional seconds.
package enum ISO8601 {
    package static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    package static func format(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: !whole))
    }
}

// The C functions of the table. Each maps a Result to a status and never lets anything escape.

typealias CMessage = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

private func finish<T>(_ result: Result<T, HostDenial>, _ message: CMessage?) -> Int32 {
    switch result {
    case .success: return LIVINGLAB_OK
    case .failure(let denial):
        message?.pointee = strdup(denial.message)
        return denial.code.status
    }
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

private func scope(_ merchantID: UnsafePointer<CChar>?) -> String? {
    guard let merchantID = string(merchantID), !merchantID.isEmpty else { return nil }
    return merchantID
}

private func noBridge(_ message: CMessage?) -> Int32 {
    message?.pointee = strdup("the host context passed back is NULL: pass livinglab_host.context as the first argument")
    return LIVINGLAB_INVALID
}

private func hostLogOutcome(_ context: UnsafeMutableRawPointer?, _ json: UnsafePointer<CChar>?, _ message: CMessage?)
    -> Int32
{
    guard let bridge = HostBridge.from(context) else { return noBridge(message) }
    let result = bridge.parseOutcome(string(json) ?? "").flatMap { outcome in
        bridge.services.logOutcome(outcome, from: bridge.identity)
    }
    return finish(result, message)
}

private func hostMerchantFields(
    _ context: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ value: CMessage?, _ message: CMessage?
) -> Int32 {
    guard let bridge = HostBridge.from(context) else { return noBridge(message) }
    guard let merchantID = scope(merchantID) else {
        return finish(Result<Void, HostDenial>.failure(HostDenial(.invalid, "merchant_fields needs a merchant id")), message)
    }
    let result = bridge.services.merchantFields(merchantID, for: bridge.identity).flatMap {
        fields -> Result<String, HostDenial> in
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
            return .failure(HostDenial(.internal, "the lab's merchant fields could not be encoded as JSON"))
        }
        return .success(String(decoding: data, as: UTF8.self))
    }
    if case .success(let json) = result { value?.pointee = strdup(json) }
    return finish(result, message)
}

private func hostArmConfiguration(
    _ context: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ value: CMessage?, _ message: CMessage?
) -> Int32 {
    guard let bridge = HostBridge.from(context) else { return noBridge(message) }
    guard let merchantID = scope(merchantID) else {
        return finish(Result<Void, HostDenial>.failure(HostDenial(.invalid, "arm_configuration needs a merchant id")), message)
    }
    let result = bridge.services.armConfiguration(merchantID, for: bridge.identity)
    if case .success(let json) = result { value?.pointee = strdup(json) }
    return finish(result, message)
}

private func hostStorageGet(
    _ context: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?,
    _ value: CMessage?, _ message: CMessage?
) -> Int32 {
    guard let bridge = HostBridge.from(context) else { return noBridge(message) }
    value?.pointee = nil
    guard let key = string(key), !key.isEmpty else {
        return finish(Result<Void, HostDenial>.failure(HostDenial(.invalid, "storage keys must not be empty")), message)
    }
    let result = bridge.services.storageGet(key, merchantID: scope(merchantID), for: bridge.identity)
    switch result {
    case .success(let stored?):
        value?.pointee = strdup(stored)
        return LIVINGLAB_OK
    case .success(nil):
        return LIVINGLAB_NOT_FOUND
    case .failure:
        return finish(result, message)
    }
}

private func hostStorageSet(
    _ context: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?,
    _ value: UnsafePointer<CChar>?, _ message: CMessage?
) -> Int32 {
    guard let bridge = HostBridge.from(context) else { return noBridge(message) }
    guard let key = string(key), !key.isEmpty else {
        return finish(Result<Void, HostDenial>.failure(HostDenial(.invalid, "storage keys must not be empty")), message)
    }
    guard let json = string(value), (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil
    else {
        return finish(
            Result<Void, HostDenial>.failure(
                HostDenial(.invalid, "the value stored under \"\(key)\" must be JSON text (a string is \"\\\"text\\\"\")")),
            message)
    }
    return finish(bridge.services.storageSet(key, value: json, merchantID: scope(merchantID), for: bridge.identity), message)
}

private func hostStorageDelete(
    _ context: UnsafeMutableRawPointer?, _ merchantID: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?,
    _ message: CMessage?
) -> Int32 {
    guard let bridge = HostBridge.from(context) else { return noBridge(message) }
    guard let key = string(key), !key.isEmpty else {
        return finish(Result<Void, HostDenial>.failure(HostDenial(.invalid, "storage keys must not be empty")), message)
    }
    return finish(bridge.services.storageSet(key, value: nil, merchantID: scope(merchantID), for: bridge.identity), message)
}

private func hostLog(_ context: UnsafeMutableRawPointer?, _ level: Int32, _ message: UnsafePointer<CChar>?) {
    guard let bridge = HostBridge.from(context) else { return }
    bridge.services.log(PluginLogLevel(rawValue: level) ?? .info, string(message) ?? "", from: bridge.identity)
}

private func hostNow(_ context: UnsafeMutableRawPointer?) -> Int64 {
    guard let bridge = HostBridge.from(context) else { return Int64(Date().timeIntervalSince1970 * 1000) }
    return Int64((bridge.services.now().timeIntervalSince1970 * 1000).rounded(.down))
}
