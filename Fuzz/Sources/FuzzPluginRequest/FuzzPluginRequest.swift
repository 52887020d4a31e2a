import Foundation
import FuzzDriver
@testable import LivingLabPluginKit

/// The plugin request reader of the Swift SDK: every request a plugin receives goes through it. Any bytes become a
/// request or a `PluginError`, and a request's body can be written back as JSON that reads again.
@_cdecl("FuzzPluginRequest_main")
func fuzzPluginRequestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        guard let data, size > 0 else { return 0 }
        let fixed = Date(timeIntervalSince1970: 1_800_000_000)
        guard let request = try? PluginRequest(wire: UnsafeBufferPointer(start: data, count: size), now: { fixed }) else {
            return 0
        }
        _ = request.action
        return 0
    }
}
