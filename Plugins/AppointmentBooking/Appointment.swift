import FirstPartyPluginSupport
import Foundation

/// A customer's appointment and where it stands.
struct Appointment: Codable, Sendable, Equatable {
    /// Where an appointment stands; all but `booked` are final.
    enum Status: String, Codable, Sendable {
        case booked, completed
        case noShow = "no-show"
        case cancelled
    }

    let id: String
    /// A pseudonymous customer reference chosen by the booking page, never a name.
    let customer: String?
    /// What the appointment is for ("coupe", "essayage"), free text from the merchant.
    let service: String?
    /// What the customer pays for the appointment, when the booking page knows it.
    let priceCents: Int?
    let start: Date
    let end: Date
    let bookedAt: Date
    var status: Status = .booked
    var closedAt: Date?
    var reminderSentAt: Date?

    func overlaps(_ slot: Slot) -> Bool { start < slot.end && slot.start < end }
}
