import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore
import Logging

extension SimulationRun {
    // MARK: - Declarations and results

    /// Every merchant declares the week's sales and revenue (all channels) on Sunday evening; the gate refuses those of
    /// merchants who withdrew.
    mutating func declare(week: Int, tallies: [String: WeekTally]) throws(LabError) {
        clock.set(max(clock.now(), calendar.local(week: week, day: 6, minute: 20 * 60)))
        let at = clock.now()
        let label = calendar.isoWeek(week)
        var submissions: [OutcomeSubmission] = []
        for id in merchantIDs {
            let tally = tallies[id] ?? WeekTally()
            submissions.append(OutcomeSubmission(
                protocolID: definition.id, merchantID: id, metric: configuration.salesMetric, value: Double(tally.sales),
                unit: "count", at: at, source: "declaration", idempotencyKey: "\(id)/\(label)/\(configuration.salesMetric)"))
            submissions.append(OutcomeSubmission(
                protocolID: definition.id, merchantID: id, metric: configuration.revenueMetric,
                value: (tally.revenueCents).rounded() / 100, unit: "EUR", at: at, source: "declaration",
                idempotencyKey: "\(id)/\(label)/\(configuration.revenueMetric)"))
        }
        let result = try store.recordOutcomes(submissions, actor: configuration.actor)
        declarationsStored += result.stored
        declarationsRefused += result.rejected.values.reduce(0, +)
        let trialWeek = week >= baselineWeeks && week < baselineWeeks + trialWeeks
        guard trialWeek else { return }
        for index in merchantIDs.indices where result.dispositions[2 * index] == .stored {
            truthSum += plantedEffect(merchant: index, week: week)
            truthCount += 1
        }
    }

    /// The expected change in a merchant's weekly sales from the feature: more customers, less the orders never
    /// collected (online orders are taken Monday to Saturday).
    func plantedEffect(merchant index: Int, week: Int) -> Double {
        let profile = model.configuration.dayOfWeekProfile
        let openShare = profile.prefix(6).reduce(0, +) / profile.reduce(0, +)
        let withFeature = model.expectedDemand(merchant: index, week: week, treated: true)
        let without = model.expectedDemand(merchant: index, week: week, treated: false)
        return withFeature * (1 - shops[index].onlineShare * noShowRate(for: merchantIDs[index]) * openShare) - without
    }

    func result() throws(LabError) -> SimulationResult {
        var byKey: [String: (unit: String, values: [Double])] = [:]
        for outcome in try store.outcomes(protocolID: definition.id) where outcome.source.hasPrefix("plugin:") {
            let key = "\(outcome.arm ?? "-")\u{1}\(outcome.metric)"
            byKey[key, default: (outcome.unit, [])].values.append(outcome.value)
        }
        let pluginOutcomes = byKey.keys.sorted().map { key in
            let parts = key.split(separator: "\u{1}").map(String.init)
            let entry = byKey[key]!
            let total = entry.values.reduce(0, +)
            return SimulationResult.PluginMetric(arm: parts[0], metric: parts[1], unit: entry.unit, count: entry.values.count,
                                                 total: total, mean: total / Double(max(1, entry.values.count)))
        }
        return SimulationResult(
            protocolID: definition.id, plugin: pluginLabel, seed: configuration.seed, merchants: merchantIDs.count,
            arms: definition.arms.map { arm in .init(name: arm.name, control: arm.control, merchants: arms.values.filter { $0 == arm.name }.count) },
            treatedMerchants: merchantIDs.filter(isTreated).count, baselineWeeks: baselineWeeks, trialWeeks: trialWeeks,
            followUpWeeks: followUpWeeks, customers: customers, ordersPlaced: placed, ordersCollected: collected,
            noShows: noShows, ordersRefusedByPlugin: refusedByPlugin, requestsRefusedAfterWithdrawal: gateRefusals,
            declarationsStored: declarationsStored, declarationsRefused: declarationsRefused, withdrawals: withdrawals,
            pluginOutcomes: pluginOutcomes,
            truth: .init(relativeLift: model.configuration.effect.size, perMaturityLevel: model.configuration.effect.perMaturityLevel,
                         metric: configuration.salesMetric, averageEffect: truthCount == 0 ? 0 : truthSum / Double(truthCount),
                         merchantWeeks: truthCount))
    }
}
