/// The merchants a plugin instance serves, found straight from the id bytes the host passes with each request.
///
/// Every request looks its merchant up. A `[String: ActiveMerchant]` first builds a `String` from the C text and then
/// hashes it with the standard library's seeded SipHash; this table hashes the NUL-terminated bytes with FNV-1a while
/// it reads them and compares them with the stored ids' bytes (open addressing, linear probing). Ids are short and few.
struct MerchantTable {
    private var ids: [[UInt8]?] = Array(repeating: nil, count: 16)
    private var merchants: [ActiveMerchant?] = Array(repeating: nil, count: 16)
    private(set) var count = 0

    /// The merchant whose id is the NUL-terminated `id`.
    func merchant(id: UnsafePointer<CChar>) -> ActiveMerchant? {
        let bytes = UnsafeRawPointer(id).assumingMemoryBound(to: UInt8.self)
        var hash = Self.offsetBasis
        var length = 0
        while bytes[length] != 0 {
            hash = (hash ^ UInt64(bytes[length])) &* Self.prime
            length += 1
        }
        return find(UnsafeBufferPointer(start: bytes, count: length), hash: hash).map { merchants[$0]! }
    }

    /// The merchant whose id is `id`.
    func merchant(id: String) -> ActiveMerchant? {
        var id = id
        return id.withUTF8 { bytes in find(bytes, hash: Self.hash(bytes)).map { merchants[$0]! } }
    }

    /// Adds or replaces the merchant stored under its id.
    mutating func set(_ merchant: ActiveMerchant, id: String) {
        if (count + 1) * 2 > ids.count { rebuild(capacity: ids.count * 2) }
        let bytes = Array(id.utf8)
        var slot = bytes.withUnsafeBufferPointer { Int(truncatingIfNeeded: Self.hash($0)) } & (ids.count - 1)
        while let stored = ids[slot] {
            if stored == bytes {
                merchants[slot] = merchant
                return
            }
            slot = (slot + 1) & (ids.count - 1)
        }
        ids[slot] = bytes
        merchants[slot] = merchant
        count += 1
    }

    /// Forgets a merchant. Rare (a withdrawal, the end of a trial): the table is rebuilt without it.
    mutating func remove(id: String) {
        guard merchant(id: id) != nil else { return }
        rebuild(capacity: ids.count, dropping: Array(id.utf8))
    }

    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: hash) & (ids.count - 1)
        while let stored = ids[slot] {
            if stored.count == bytes.count, stored.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return slot }
            slot = (slot + 1) & (ids.count - 1)
        }
        return nil
    }

    private mutating func rebuild(capacity: Int, dropping dropped: [UInt8]? = nil) {
        let kept = zip(ids, merchants).compactMap { id, merchant in id.flatMap { $0 == dropped ? nil : ($0, merchant!) } }
        ids = Array(repeating: nil, count: capacity)
        merchants = Array(repeating: nil, count: capacity)
        count = 0
        for (bytes, merchant) in kept { set(merchant, id: String(decoding: bytes, as: UTF8.self)) }
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }
}
