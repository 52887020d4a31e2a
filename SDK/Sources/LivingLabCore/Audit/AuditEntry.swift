import Foundation

/// One entry of the append-only, hash-chained audit log.
///
/// The hash covers the previous entry's hash and a canonical encoding of this entry, so editing, deleting or reordering
/// any entry breaks the chain from there on. Entries name ids and hashes only: no personal data in clear.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var sequence: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var subjects: [String]
    public var details: JSONValue
    public var previousHash: String
    public var hash: String

    /// The hash that precedes the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Builds the next entry of the chain and computes its hash.
    public init(sequence: Int64, at: Date, actor: String, action: String, subjects: [String], details: JSONValue,
                previousHash: String) {
        self.init(sequence: sequence, at: at, actor: actor, action: action, subjects: subjects, details: details,
                  detailsText: details.canonicalText, previousHash: previousHash)
    }

    /// Builds the next entry of the chain when the caller already holds `details.canonicalText` (the store writes
    /// that text to its column too, and an outcome batch's entry is built for every batch).
    public init(sequence: Int64, at: Date, actor: String, action: String, subjects: [String], details: JSONValue,
                detailsText: String, previousHash: String) {
        self.sequence = sequence
        // Millisecond precision: what is hashed must survive a round trip through the store exactly.
        self.at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded() / 1000)
        self.actor = actor
        self.action = action
        self.subjects = subjects
        self.details = details
        self.previousHash = previousHash
        self.hash = ""
        self.hash = Self.hash(previousHash: previousHash, canonicalText: canonicalText(detailsText: detailsText))
    }

    /// The canonical text that is hashed.
    public var canonicalText: String { canonicalText(detailsText: details.canonicalText) }

    private func canonicalText(detailsText: String) -> String {
        // The members in sorted key order, written straight: the same text as the object
        // {"action", "actor", "at", "details", "seq", "subjects"} through `JSONValue.canonicalText`, which chains
        // already stored were hashed over.
        var out = "{\"action\":"
        out.reserveCapacity(160)
        JSONValue.writeQuoted(action, into: &out)
        out += ",\"actor\":"
        JSONValue.writeQuoted(actor, into: &out)
        out += ",\"at\":"
        JSONValue.writeQuoted(Timestamp.format(at), into: &out)
        out += ",\"details\":"
        out += detailsText
        out += ",\"seq\":"
        JSONValue.number(Double(sequence)).writeCanonical(into: &out)
        out += ",\"subjects\":["
        for (index, subject) in subjects.enumerated() {
            if index > 0 { out += "," }
            JSONValue.writeQuoted(subject, into: &out)
        }
        out += "]}"
        return out
    }

    /// SHA-256 over the previous hash and the canonical text.
    public var computedHash: String { Self.hash(previousHash: previousHash, canonicalText: canonicalText) }

    private static func hash(previousHash: String, canonicalText: String) -> String {
        var hasher = SHA256()
        hasher.update(previousHash)
        hasher.update("\n")
        hasher.update(canonicalText)
        return hasher.finalize().hexString
    }
}

/// The result of walking the audit chain.
public struct AuditVerification: Codable, Sendable, Hashable {
    public var entriesChecked: Int
    /// The sequence number of the first entry that does not verify, if any.
    public var firstBrokenSequence: Int64?
    /// What is wrong with it.
    public var problem: String?
    public var isIntact: Bool { firstBrokenSequence == nil }

    public init(entriesChecked: Int, firstBrokenSequence: Int64? = nil, problem: String? = nil) {
        self.entriesChecked = entriesChecked
        self.firstBrokenSequence = firstBrokenSequence
        self.problem = problem
    }

    /// Walks entries in stored order and reports the first that does not chain: an edit, a deletion or a reordering.
    public static func verify(_ entries: some Sequence<AuditEntry>) -> AuditVerification {
        var previousHash = AuditEntry.genesisHash
        var expectedSequence: Int64 = 1
        var count = 0
        for entry in entries {
            count += 1
            if entry.sequence != expectedSequence {
                return AuditVerification(entriesChecked: count, firstBrokenSequence: entry.sequence,
                                         problem: "expected entry \(expectedSequence) here, found \(entry.sequence): an entry was deleted or moved")
            }
            if entry.previousHash != previousHash {
                return AuditVerification(entriesChecked: count, firstBrokenSequence: entry.sequence,
                                         problem: "it does not point at the hash of the entry before it: an entry was deleted, moved or rewritten")
            }
            if entry.computedHash != entry.hash {
                return AuditVerification(entriesChecked: count, firstBrokenSequence: entry.sequence,
                                         problem: "its content no longer matches its hash: it was edited")
            }
            previousHash = entry.hash
            expectedSequence += 1
        }
        return AuditVerification(entriesChecked: count)
    }
}
