import LivingLabCore

/// How a ``LabStore`` opens its database.
public struct StoreConfiguration: Sendable {
    /// How hard a commit works to survive a crash.
    public enum Durability: String, Sendable {
        /// `synchronous=FULL`: a committed transaction survives a process crash and a power loss. The default.
        case full
        /// `synchronous=NORMAL`: survives a process crash; the last commits may be lost on power loss. Faster.
        case normal
    }

    /// The SQLite file.
    public var path: String
    /// Commit durability; ``Durability/full`` unless you accept losing the last commits on power loss.
    public var durability: Durability = .full
    /// How long a writer waits for another process's transaction before failing, in seconds.
    public var busyTimeout: Double = 10
    /// Where the store reads the time for consent events, audit entries and commits.
    public var clock: any LabClock = SystemClock()

    /// A configuration for the database at `path`.
    public init(path: String) { self.path = path }
}
