import FirstPartyPluginSupport
import LivingLabPluginKit

/// Finished bookings, the bookings of each day and the figures of each closed day, each under its own storage
/// key beside the merchant's working document.
///
/// Changes are written by ``flush()`` before the working document: that document decides what is open and
/// which days are closed, so a crash between the two writes leaves them open, and the next request closes
/// them the same way.
struct DiaryArchive {
    let storage: PluginStorage
    private var bookings: [String: Appointment] = [:]
    private var days: [String: [String]] = [:]
    private var fills: [String: DayFill] = [:]
    private var changedBookings: Set<String> = []
    private var changedDays: Set<String> = []
    private var changedFills: Set<String> = []

    init(storage: PluginStorage) {
        self.storage = storage
    }

    /// A finished booking, or `nil` when there is none with that id.
    mutating func booking(_ id: String) throws -> Appointment? {
        if let booking = bookings[id] { return booking }
        let booking = try storage.get("booking:\(id)", as: Appointment.self)
        bookings[id] = booking
        return booking
    }

    mutating func store(_ booking: Appointment) {
        bookings[booking.id] = booking
        changedBookings.insert(booking.id)
    }

    /// The ids of the bookings starting on a day, in the order they were made.
    mutating func bookingIDs(on day: LocalDay) throws -> [String] {
        if let ids = days[day.description] { return ids }
        let ids = try storage.get("day:\(day)", as: [String].self) ?? []
        days[day.description] = ids
        return ids
    }

    mutating func list(_ id: String, on day: LocalDay) throws {
        var ids = try bookingIDs(on: day)
        guard !ids.contains(id) else { return }
        ids.append(id)
        days[day.description] = ids
        changedDays.insert(day.description)
    }

    /// The figures of a closed day, or `nil` for a day never closed (before the diary opened).
    mutating func fill(on day: LocalDay) throws -> DayFill? {
        if let fill = fills[day.description] { return fill }
        let fill = try storage.get("fill:\(day)", as: DayFill.self)
        fills[day.description] = fill
        return fill
    }

    mutating func store(_ fill: DayFill, on day: LocalDay) {
        fills[day.description] = fill
        changedFills.insert(day.description)
    }

    func flush() throws {
        for day in changedDays.sorted() { try storage.set("day:\(day)", days[day] ?? []) }
        for day in changedFills.sorted() {
            if let fill = fills[day] { try storage.set("fill:\(day)", fill) }
        }
        for id in changedBookings.sorted() {
            if let booking = bookings[id] { try storage.set("booking:\(id)", booking) }
        }
    }
}
