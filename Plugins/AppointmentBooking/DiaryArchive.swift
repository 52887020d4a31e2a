import FirstPartyPluginSupport
import LivingLabPluginKit

/// Finished bookings, the bookings of each day and the figures of each closed day, each under its own storage
/// key beside the merchant's working document.
///
/// Changes are written by ``flush()`` before the working document: that document decides what is open and
/// which days are closed, so a crash between the two writes leaves them open, and the next request closes
/// them the same way.
struct DiaryArchive {
    private var bookings: StoredRecords<Appointment>
    private var days: StoredRecords<[String]>
    private var fills: StoredRecords<DayFill>

    init(storage: PluginStorage) {
        bookings = StoredRecords(storage: storage, prefix: "booking")
        days = StoredRecords(storage: storage, prefix: "day")
        fills = StoredRecords(storage: storage, prefix: "fill")
    }

    /// A finished booking, or `nil` when there is none with that id.
    mutating func booking(_ id: String) throws -> Appointment? { try bookings.value(id) }

    mutating func store(_ booking: Appointment) { bookings.set(booking, for: booking.id) }

    /// The ids of the bookings starting on a day, in the order they were made.
    mutating func bookingIDs(on day: LocalDay) throws -> [String] { try days.value(day.description) ?? [] }

    mutating func list(_ id: String, on day: LocalDay) throws { try days.append(id, to: day.description) }

    /// The figures of a closed day, or `nil` for a day never closed (before the diary opened).
    mutating func fill(on day: LocalDay) throws -> DayFill? { try fills.value(day.description) }

    mutating func store(_ fill: DayFill, on day: LocalDay) { fills.set(fill, for: day.description) }

    func flush() throws {
        try days.flush()
        try fills.flush()
        try bookings.flush()
    }
}
