import LivingLabPluginKit

/// Records of one kind, each under its own storage key (`prefix:id`): read from host storage once, kept in memory for
/// the request, and written back by ``flush()`` — the write-behind every plugin archive needs.
package struct StoredRecords<Value: Codable> {
    let storage: PluginStorage
    let prefix: String
    private var cache: [String: Value] = [:]
    private var changed: Set<String> = []

    /// Records stored under `prefix:id` in `storage`.
    package init(storage: PluginStorage, prefix: String) {
        self.storage = storage
        self.prefix = prefix
    }

    /// The record with this id, or `nil` when there is none.
    package mutating func value(_ id: String) throws -> Value? {
        if let value = cache[id] { return value }
        let value = try storage.get("\(prefix):\(id)", as: Value.self)
        cache[id] = value
        return value
    }

    /// Replaces the record with this id; it is written at the next ``flush()``.
    package mutating func set(_ value: Value, for id: String) {
        cache[id] = value
        changed.insert(id)
    }

    /// Writes the changed records, in id order.
    package func flush() throws {
        for id in changed.sorted() {
            if let value = cache[id] { try storage.set("\(prefix):\(id)", value) }
        }
    }
}

extension StoredRecords where Value == [String] {
    /// Appends an id to the list stored under `id`, once.
    package mutating func append(_ element: String, to id: String) throws {
        var list = try value(id) ?? []
        guard !list.contains(element) else { return }
        list.append(element)
        set(list, for: id)
    }
}
