import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore
import Logging

/// One run of a simulation: the schedule, the street, the shops and the running tallies.
struct SimulationRun {
    let simulation: StreetSimulation
    var configuration: StreetSimulation.Configuration { simulation.configuration }
    var store: any LabStore { simulation.store }
    let definition: ExperimentProtocol
    let calendar: StreetCalendar
    let baselineWeeks: Int
    let trialWeeks: Int
    let followUpWeeks: Int
    var totalWeeks: Int { baselineWeeks + trialWeeks + followUpWeeks }

    /// Assigned merchants, sorted by id, with their arm.
    var merchantIDs: [String] = []
    var arms: [String: String] = [:]
    var shops: [SimulatedShop] = []
    var model: StreetModel
    /// Merchants who left, with the week from which they no longer take part.
    var leftAt: [String: Int] = [:]
    var runner: TrialRunner?

    var customers = 0, placed = 0, collected = 0, noShows = 0, refusedByPlugin = 0, gateRefusals = 0
    var declarationsStored = 0, declarationsRefused = 0
    var withdrawals: [SimulationResult.Withdrawal] = []
    var truthSum = 0.0, truthCount = 0
    var pluginLabel = ""
    /// Baskets of customers whose online order was refused; a stream of its own so the plan's draws stay fixed.
    var walkInRandom: LabRandom

    init(simulation: StreetSimulation) throws(LabError) {
        self.simulation = simulation
        walkInRandom = LabRandom(seed: simulation.configuration.seed, stream: 0x5741_4C4B)
        let stored = try simulation.store.storedProtocol(simulation.configuration.protocolID)
        guard let approved = stored.approved else {
            throw LabError.rule("Protocol \(stored.id) is not approved: approve it before simulating its trial.")
        }
        guard stored.state == .approved else {
            throw LabError.rule("Protocol \(stored.id) is \(stored.state.rawValue): the simulator runs a trial from its start, so it needs an approved protocol whose trial has not started.")
        }
        definition = approved.definition
        let schedule = definition.schedule
        calendar = StreetCalendar(firstDay: schedule.baseline.start)
        func weeks(_ from: CalendarDay, _ to: CalendarDay) -> Int {
            Int((to.endOfDay.timeIntervalSince(from.startOfDay) / 604_800).rounded(.up))
        }
        baselineWeeks = weeks(schedule.baseline.start, schedule.baseline.end)
        trialWeeks = weeks(schedule.trial.start, schedule.trial.end)
        followUpWeeks = schedule.followUp.map { weeks($0.start, $0.end) } ?? 0
        guard schedule.trial.start == schedule.baseline.start.adding(days: 7 * baselineWeeks) else {
            throw LabError.invalid("The simulator runs whole weeks: the trial of \(definition.id) must start \(baselineWeeks) weeks after the baseline's first day (\(schedule.baseline.start.adding(days: 7 * baselineWeeks))), not on \(schedule.trial.start).")
        }
        if let followUp = schedule.followUp,
           followUp.start != schedule.trial.start.adding(days: 7 * trialWeeks) {
            throw LabError.invalid("The simulator runs whole weeks: the follow-up of \(definition.id) must start on \(schedule.trial.start.adding(days: 7 * trialWeeks)).")
        }
        guard simulation.clock.now() < schedule.baseline.start.startOfDay else {
            throw LabError.invalid("The lab's clock (\(Timestamp.format(simulation.clock.now()))) is not before the baseline (\(schedule.baseline.start)): set the ManualClock earlier, when merchants consent.")
        }
        var street = simulation.configuration.street
        street.merchants = 2
        street.weeks = baselineWeeks + trialWeeks + followUpWeeks
        model = try Self.street(street, seed: simulation.configuration.seed)
    }

    static func street(_ configuration: StreetModel.Configuration, seed: UInt64) throws(LabError) -> StreetModel {
        do {
            return try StreetModel(configuration: configuration, seed: seed)
        } catch let error as AnalysisError {
            throw LabError.invalid("The street cannot be built: \(error.message)")
        } catch {
            throw LabError.invalid("The street cannot be built: \(error)")
        }
    }

    // MARK: - The run

    mutating func execute(progress: (SimulationProgress) -> Void) throws(LabError) -> SimulationResult {
        try assignIfNeeded()
        try buildStreet()
        let withdrawalWeek = baselineWeeks + trialWeeks / 2
        for week in 0..<totalWeeks {
            let phase = week < baselineWeeks ? "baseline" : week < baselineWeeks + trialWeeks ? "trial" : "follow-up"
            if week == baselineWeeks { try startTrial() }
            if week == baselineWeeks + trialWeeks { try endTrialPeriod() }
            var tallies = Dictionary(uniqueKeysWithValues: merchantIDs.map { ($0, WeekTally()) })
            for day in 0..<7 {
                if week == withdrawalWeek, day == 2 { try withdraw(week: week) }
                try simulateDay(week: week, day: day, phase: phase, tallies: &tallies)
            }
            try declare(week: week, tallies: tallies)
            progress(SimulationProgress(week: week, totalWeeks: totalWeeks, phase: phase, label: calendar.isoWeek(week),
                                        orders: placed, declarations: declarationsStored))
        }
        clock.set(calendar.local(week: totalWeeks - 1, day: 6, minute: 22 * 60))
        try store.setTrialState(definition.id, to: .stopped, actor: configuration.actor)
        return try result()
    }

    var clock: ManualClock { simulation.clock }

    /// Commits arms with the protocol's design and seed, unless they already are.
    mutating func assignIfNeeded() throws(LabError) {
        if try store.assignments(in: definition.id).isEmpty {
            do {
                try ArmAssigner.assign(store: store, protocolID: definition.id, actor: configuration.actor)
            } catch let error as LabError {
                throw error
            } catch {
                throw LabError.invalid("The arms of \(definition.id) could not be assigned: \(error)")
            }
        }
        let enrolled = Dictionary(try store.enrollments(in: definition.id).map { ($0.merchantID, $0.state) },
                                  uniquingKeysWith: { a, _ in a })
        for assignment in try store.assignments(in: definition.id)
        where enrolled[assignment.merchantID] == .assigned || enrolled[assignment.merchantID] == .active {
            arms[assignment.merchantID] = assignment.arm
        }
        merchantIDs = arms.keys.sorted()
        guard merchantIDs.count >= 2 else {
            throw LabError.rule("Protocol \(definition.id) has \(merchantIDs.count) assigned merchant(s) still in: the simulator needs at least two.")
        }
    }

    /// The street model on the lab's merchants: their sectors, segments and maturity; demand levels drawn from the seed.
    mutating func buildStreet() throws(LabError) {
        let merchants = Dictionary(try store.merchants().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var street = configuration.street
        street.merchants = merchantIDs.count
        street.weeks = totalWeeks
        street.effect.startWeek = baselineWeeks
        street.firstWeekOfYear = calendar.weekOfYear(0)
        street.shock = nil
        if let shockID = configuration.shockID {
            guard let shock = try store.shocks().first(where: { $0.id == shockID }) else {
                throw LabError.notFound("No shock has id \(shockID): record it with `livinglab shock add` first.")
            }
            let weeks = (0..<totalWeeks).filter { week in
                (0..<7).contains { shock.period.contains(calendar.day(week: week, day: $0).startOfDay) }
            }
            street.shock = StreetModel.Shock(segments: shock.segments, weeks: weeks, depth: configuration.shockDepth)
        }
        model = try Self.street(street, seed: configuration.seed)
        for (index, id) in merchantIDs.enumerated() {
            guard let merchant = merchants[id] else { continue }
            model.merchants[index].id = id
            model.merchants[index].sector = merchant.sector
            model.merchants[index].segment = merchant.segment
            model.merchants[index].maturity = merchant.maturity
        }
        shops = merchantIDs.map { id in
            SimulatedShop(merchantID: id, sector: merchants[id]?.sector ?? "grocery", maturity: merchants[id]?.maturity ?? 2)
        }
    }

    /// Starts the trial on its first morning: merchants become active, the plugin is loaded and activated for the
    /// treatment arm(s), and each of those shops puts its catalogue online.
    mutating func startTrial() throws(LabError) {
        clock.set(calendar.local(week: baselineWeeks, day: 0, minute: 7 * 60))
        let trialRunner = try TrialRunner(store: store, protocolID: definition.id, logger: simulation.logger)
        try store.setTrialState(definition.id, to: .running, actor: configuration.actor)
        _ = try trialRunner.activateTreatmentMerchants()
        runner = trialRunner
        pluginLabel = "\(trialRunner.registration.id)@\(trialRunner.registration.version)"
        for (index, id) in merchantIDs.enumerated() where isTreated(id) {
            _ = try call(id, shops[index].catalogueRequest, at: clock.now())
        }
    }

    /// Switches the feature off when the trial period ends: the follow-up watches whether its effect lasts.
    mutating func endTrialPeriod() throws(LabError) {
        guard let runner else { return }
        clock.set(calendar.local(week: baselineWeeks + trialWeeks, day: 0, minute: 6 * 60))
        for id in merchantIDs where runner.plugin.activeMerchants.contains(id) { try runner.deactivate(id) }
        self.runner = nil
    }

    /// Withdraws merchants half-way: alternately one in a treatment arm and one in a control arm, chosen by the seed.
    mutating func withdraw(week: Int) throws(LabError) {
        var random = LabRandom(seed: configuration.seed, stream: 0x5749_5448)
        var treated = merchantIDs.filter(isTreated), control = merchantIDs.filter { !isTreated($0) }
        random.shuffle(&treated)
        random.shuffle(&control)
        var chosen: [String] = []
        while chosen.count < configuration.withdrawals, !(treated.isEmpty && control.isEmpty) {
            let fromTreated = chosen.count % 2 == 0 ? !treated.isEmpty : control.isEmpty
            chosen.append(fromTreated ? treated.removeFirst() : control.removeFirst())
        }
        for (offset, id) in chosen.enumerated() {
            clock.set(calendar.local(week: week, day: 2, minute: 6 * 60 + offset))
            let result = try store.withdrawConsent(merchantID: id, protocolID: definition.id, channel: "cli", actor: id)
            if let runner, runner.plugin.activeMerchants.contains(id) { try runner.deactivate(id) }
            leftAt[id] = week
            withdrawals.append(.init(merchantID: id, arm: arms[id] ?? "", at: result.at))
        }
    }

    func isTreated(_ merchantID: String) -> Bool {
        guard let arm = arms[merchantID] else { return false }
        return definition.arm(named: arm)?.control == false
    }

    func reminders(in arm: String?) -> Bool {
        arm.flatMap { definition.arm(named: $0)?.configuration["reminders"] } == .bool(true)
    }

    /// The no-show rate the feature would have for a merchant: their arm's, or the first treatment arm's for control.
    func noShowRate(for merchantID: String) -> Double {
        let arm = isTreated(merchantID) ? arms[merchantID] : definition.treatmentArms.first?.name
        return reminders(in: arm) ? configuration.noShowRateWithReminders : configuration.noShowRate
    }

}
