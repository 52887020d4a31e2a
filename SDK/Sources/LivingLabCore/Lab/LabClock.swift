import Foundation
import Synchronization

/// Where LivingLab reads the time: the system clock in a live lab, a settable clock in simulations and tests.
public protocol LabClock: Sendable {
    /// The current time, UTC.
    func now() -> Date
}

/// The system clock.
public struct SystemClock: LabClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to: used by the street simulator and by tests.
public final class ManualClock: LabClock {
    private let current: Mutex<Date>

    /// A clock set at `start`.
    public init(_ start: Date) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    /// Sets the time.
    public func set(_ date: Date) { current.withLock { $0 = date } }

    /// Moves the time forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

extension Date {
    /// The date rounded to the millisecond: what the store keeps, so that a value read back equals the value written.
    public var roundedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
