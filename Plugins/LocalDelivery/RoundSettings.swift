import FirstPartyPluginSupport
import LivingLabPluginKit

/// The arm configuration of a local-delivery trial: how deliveries are grouped into rounds.
struct RoundSettings: Sendable, Equatable {
    /// Most deliveries one rider takes in a round (`roundCapacity`, default 6).
    var roundCapacity = 6
    /// Longest round, depot and back, in metres (`maxRoundMetres`, default 2000).
    var maxRoundMetres = 2000
    /// Where rounds start and end, in metres along the street (`depotMetres`; default: the shop's position, the
    /// merchant field `position_m` of the `merchant-profile` category, else 0).
    var depotMetres = 0

    init() {}

    init(arm configuration: JSONValue, merchantFields fields: [String: String]) throws {
        let config = try ConfigurationReader(configuration, source: "arm configuration")
        roundCapacity = try config.integer(
            "roundCapacity", default: roundCapacity, in: 1...50, meaning: "deliveries per round")
        maxRoundMetres = try config.integer(
            "maxRoundMetres", default: maxRoundMetres, in: 100...100_000,
            meaning: "longest round in metres, there and back")
        let shop = fields["position_m"].flatMap { Double($0) }.map { Int($0.rounded()) }
        depotMetres =
            try config.optionalInteger("depotMetres", in: 0...100_000, meaning: "depot position in metres")
            ?? max(0, shop ?? 0)
    }

    /// How far the depot reaches: a delivery beyond this distance cannot fit in any round.
    var reachMetres: Int { maxRoundMetres / 2 }
}
