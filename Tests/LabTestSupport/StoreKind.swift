import Foundation
import GRDB
import LivingLabCore
import LivingLabStore

/// The store implementations the store conformance suite runs on: every test of `LivingLabStoreTests` that takes a
/// `StoreKind` runs once per case. A new store (PostgreSQL) adds a case here and passes the same tests unchanged.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// ``SQLiteLabStore`` on a file in the test's temporary folder.
    case sqlite

    public var description: String { rawValue }

    /// A store on a new, empty database (migrated from nothing) in `folder`.
    public func open(in folder: TemporaryFolder, clock: any LabClock) throws -> any LabStore {
        switch self {
        case .sqlite: try SQLiteLabStore(path: folder.path("lab.sqlite"), clock: clock)
        }
    }

    /// A second store on the same database as `open(in:clock:)` made: another process of the lab.
    public func reopen(in folder: TemporaryFolder, clock: any LabClock) throws -> any LabStore {
        try open(in: folder, clock: clock)
    }

    /// Runs SQL on the database behind the store's back, as someone holding the database would.
    public func rawExecute(in folder: TemporaryFolder, _ sql: String) throws {
        switch self {
        case .sqlite: try DatabaseQueue(path: folder.path("lab.sqlite")).write { try $0.execute(sql: sql) }
        }
    }

    /// Reads text rows from the database behind the store's back.
    public func rawStrings(in folder: TemporaryFolder, _ sql: String) throws -> [String] {
        switch self {
        case .sqlite: try DatabaseQueue(path: folder.path("lab.sqlite")).read { try String.fetchAll($0, sql: sql) }
        }
    }
}
