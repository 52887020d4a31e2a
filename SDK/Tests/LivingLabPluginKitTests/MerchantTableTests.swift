@testable import LivingLabPluginKit
import Testing

/// The SDK's table of active merchants, looked up from the id bytes the host passes.
@Suite("Active merchants of a plugin instance")
struct MerchantTableTests {
    private func active(_ id: String) -> ActiveMerchant {
        ActiveMerchant(MerchantContext(merchantID: id, fields: [:], arm: "treatment", configuration: [:]))
    }

    @Test("finds every merchant from its C id, through growth, replacement and removal")
    func lookups() {
        var table = MerchantTable()
        // Short and long ids, one not ASCII, enough to grow the table several times.
        let ids = (0..<300).map { i in i % 3 == 0 ? "m\(i)" : i % 3 == 1 ? "boulangerie-fondaudege-\(i)" : "épicerie-\(i)" }
        for id in ids { table.set(active(id), id: id) }
        #expect(table.count == ids.count)
        for id in ids {
            #expect(id.withCString { table.merchant(id: $0) }?.context.merchantID == id)
            #expect(table.merchant(id: id)?.context.merchantID == id)
        }
        // A prefix, an extension and the empty id are other merchants.
        for absent in ["m", "m30x", "", "épicerie-", "never-activated"] {
            #expect(absent.withCString { table.merchant(id: $0) } == nil)
        }

        table.set(ActiveMerchant(MerchantContext(merchantID: "m3", fields: [:], arm: "control-b", configuration: [:])), id: "m3")
        #expect(table.count == ids.count)
        #expect("m3".withCString { table.merchant(id: $0) }?.context.arm == "control-b")

        for id in ids.prefix(100) { table.remove(id: id) }
        table.remove(id: "never-activated")
        #expect(table.count == ids.count - 100)
        for (index, id) in ids.enumerated() {
            #expect((id.withCString { table.merchant(id: $0) } != nil) == (index >= 100), "\(id)")
        }
    }
}
