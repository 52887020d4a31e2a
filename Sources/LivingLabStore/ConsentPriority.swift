#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lets consent writes (give, withdraw, expire) go before every other writer of the same lab database, in any process.
///
/// SQLite's busy handler retries a waiting writer after growing sleeps (up to 100 ms), so a writer that has waited
/// long loses the write lock to one that just asked: an import committing batch after batch could keep a withdrawal
/// waiting until its last batch. A consent write therefore first takes an exclusive `flock` on a lock file next to the
/// database (`<db>-consent.lock`) and holds it until it commits; every other write, before it begins, waits while
/// anyone holds that lock. A withdrawal thus waits at most for the transactions already begun when it was issued:
/// one batch per importer.
///
/// `flock` locks belong to an open file: a consent write opens the file afresh, so two threads of one process exclude
/// each other as two processes do. Other writes only wait (a shared lock taken and dropped at once), so they share one
/// descriptor. Where the lock file cannot be created (a read-only folder), writes go on without priority.
final class ConsentPriority: Sendable {
    private let path: String
    private let waitDescriptor: Int32

    init(databasePath: String) {
        path = databasePath + "-consent.lock"
        waitDescriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    }

    deinit {
        if waitDescriptor >= 0 { close(waitDescriptor) }
    }

    /// Returns once no consent write holds or is taking the lock.
    func waitForConsentWrites() {
        guard waitDescriptor >= 0 else { return }
        while flock(waitDescriptor, LOCK_SH) != 0 && errno == EINTR {}
        _ = flock(waitDescriptor, LOCK_UN)
    }

    /// Runs `body` (a consent write's whole transaction) while holding the lock exclusively.
    func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }  // closing the file releases its lock
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        return try body()
    }
}
