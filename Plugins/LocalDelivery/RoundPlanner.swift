/// Groups deliveries into rounds so that a rider makes one pass along the street per round.
///
/// Deliveries are sorted by position and cut greedily: a round takes the next delivery along the street as
/// long as it stays within the round capacity and the longest round. On a line this keeps each round a
/// contiguous stretch, so no rider crosses another's stretch.
struct RoundPlanner {
    let settings: RoundSettings

    /// A planned round before it is dispatched.
    struct Plan: Equatable {
        /// Deliveries in visiting order.
        var stops: [Delivery]
        var fromMetres: Int
        var toMetres: Int
        var lengthMetres: Int { 2 * (toMetres - fromMetres) }
    }

    /// The stretch covered from the depot to a set of positions.
    func stretch(_ positions: [Int]) -> (from: Int, to: Int) {
        (
            min(settings.depotMetres, positions.min() ?? settings.depotMetres),
            max(settings.depotMetres, positions.max() ?? settings.depotMetres)
        )
    }

    func plan(_ pending: [Delivery]) -> [Plan] {
        let sorted = pending.sorted { ($0.positionMetres, $0.id) < ($1.positionMetres, $1.id) }
        var plans: [Plan] = []
        var current: [Delivery] = []
        for delivery in sorted {
            let candidate = current + [delivery]
            let span = stretch(candidate.map(\.positionMetres))
            if current.isEmpty
                || (candidate.count <= settings.roundCapacity && 2 * (span.to - span.from) <= settings.maxRoundMetres)
            {
                current = candidate
            } else {
                plans.append(makePlan(current))
                current = [delivery]
            }
        }
        if !current.isEmpty { plans.append(makePlan(current)) }
        return plans
    }

    /// Orders the stops for one pass: the rider rides out to the nearer end without stopping, then delivers
    /// sweeping to the far end, then rides back.
    private func makePlan(_ deliveries: [Delivery]) -> Plan {
        let span = stretch(deliveries.map(\.positionMetres))
        let nearerIsLow = settings.depotMetres - span.from <= span.to - settings.depotMetres
        let ascending = deliveries.sorted { ($0.positionMetres, $0.id) < ($1.positionMetres, $1.id) }
        return Plan(stops: nearerIsLow ? ascending : ascending.reversed(), fromMetres: span.from, toMetres: span.to)
    }
}
