/// The merchant's working document, read and written once per request: the baskets waiting or out and the
/// rounds out, kept small. Finished baskets and rounds move to ``DeliveryArchive``, so the document does not
/// grow with the trial's history.
struct DeliveryBook: Codable, Sendable, Equatable {
    /// Deliveries pending or dispatched, by id.
    var active: [String: Delivery] = [:]
    /// Rounds out, by id.
    var out: [String: Round] = [:]
    var tally = Tally()
    var nextDeliveryNumber = 1
    var nextRoundNumber = 1

    /// Running counts for the summary, since the trial's history is archived.
    struct Tally: Codable, Sendable, Equatable {
        var requests = 0
        var delivered = 0
        var failed = 0
        var cancelled = 0
        var rounds = 0
        var deliveredBasketCents = 0
        var roundMetres = 0
        var roundStops = 0
    }

    /// The storage key of the document.
    static let key = "deliveries"
}
