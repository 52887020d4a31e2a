import LivingLabPluginKit

/// The handler the plugin-call benchmark prices: a small JSON request in, a small JSON response out.
public enum EchoHandler {
    /// Answers `{"action": "echo", "text": …, "n": …}` with `{"echo": text, "n": n + 1}`.
    public static func respond(to body: JSONValue) -> JSONValue {
        .object(["echo": body["text"] ?? .null, "n": .number((body["n"]?.double ?? 0) + 1)])
    }
}
