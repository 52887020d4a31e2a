import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

extension TrialReport {
    /// Assembles the report of a protocol from the lab database.
    ///
    /// The primary effect is a two-way fixed-effects difference-in-differences on weekly per-merchant totals when
    /// baseline weeks have outcomes, else a difference in means of the trial weeks' mean weekly totals; the
    /// randomisation-inference check re-draws the assignment the way its recorded design drew it. Problems with the
    /// data (an empty arm, no variance) become notes in the report rather than errors, so a coordinator always gets one.
    ///
    /// - Throws: ``LabError`` when the protocol or the merchant does not exist.
    public static func assemble(from store: any LabStore, protocolID: String, options: ReportOptions = ReportOptions())
        throws(LabError) -> TrialReport
    {
        try ReportAssembler(store: store, protocolID: protocolID, options: options).assemble()
    }
}

struct ReportAssembler {
    let store: any LabStore
    let protocolID: String
    let options: ReportOptions

    func assemble() throws(LabError) -> TrialReport {
        guard options.confidenceLevel > 0, options.confidenceLevel < 1 else {
            throw LabError.invalid("The confidence level must be between 0 and 1 (got \(options.confidenceLevel)), for example 0.95.")
        }
        let stored = try store.storedProtocol(protocolID)
        let definition = (stored.approved ?? stored.latest).definition
        let calendar = WeekCalendar(schedule: definition.schedule)
        let schedule = definition.schedule
        let scheduleSummary = ScheduleSummary(
            baseline: [schedule.baseline.start.description, schedule.baseline.end.description],
            trial: [schedule.trial.start.description, schedule.trial.end.description],
            followUp: schedule.followUp.map { [$0.start.description, $0.end.description] })
        var report = TrialReport(
            protocolID: protocolID, title: definition.title, hypothesis: definition.hypothesis, firm: definition.firm,
            plugin: "\(definition.plugin.id) \(definition.plugin.versions)", state: stored.state.rawValue,
            generatedAt: store.now(), audience: options.merchantID.map { .merchant($0) } ?? .aggregate,
            schedule: scheduleSummary, design: nil, balance: nil, funnel: nil, primary: nil, secondary: [], guardrails: [],
            weekly: nil, merchant: nil, notes: [])
        let assignments = try store.assignments(in: protocolID)
        var windows = try measurementWindows()
        if definition.onWithdrawal != .keep {
            // Their outcomes were anonymised or erased: leave them out rather than read their weeks as zero.
            let withdrawn = Set(try store.enrollments(in: protocolID).filter { $0.state == .withdrawn }.map(\.merchantID))
            windows = windows.filter { !withdrawn.contains($0.key) }
        }
        let trialStart = calendar.week(of: schedule.trial.start.startOfDay) ?? 0
        let followUpStart = schedule.followUp.flatMap { calendar.week(of: $0.start.startOfDay) }
        let bands = try shockBands(calendar)

        if let merchantID = options.merchantID {
            return try merchantReport(report, merchantID: merchantID, definition: definition, calendar: calendar,
                                      windows: windows, assignments: assignments, trialStart: trialStart,
                                      followUpStart: followUpStart, bands: bands)
        }

        report.funnel = try funnel()
        guard let plan = try store.committedPlan(protocolID: protocolID), !assignments.isEmpty else {
            report.notes.append("No assignment is committed yet: run `livinglab assign \(protocolID)`; effects are reported once arms exist.")
            return report
        }
        let merchants = Dictionary(try store.merchants().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let controlArms = Set(definition.arms.filter(\.control).map(\.name))
        report.design = DesignSummary(
            name: plan.plan.design, seed: plan.plan.seed,
            blockBy: (definition.design.blockBy ?? []) + (definition.design.balanceOn ?? []),
            committedAt: plan.committedAt, committedBy: plan.committedBy,
            arms: definition.arms.map { arm in
                .init(arm: arm.name, control: arm.control, merchants: assignments.filter { $0.arm == arm.name }.count)
            })
        let record = DesignRecord(plan: plan.plan, assignments: assignments, merchants: merchants, definition: definition)
        report.balance = record.balanceTable()
        if definition.design.name == "stepped-wedge" {
            report.notes.append("Stepped-wedge trials are analysed here as arms without their wave calendar: read the effect with care.")
        }
        if definition.treatmentArms.count > 1 {
            report.notes.append("\(definition.treatmentArms.count) treatment arms are pooled and compared with the control arm(s).")
        }
        let armOf = Dictionary(assignments.map { ($0.merchantID, $0.arm) }, uniquingKeysWith: { a, _ in a })
        let treated = armOf.mapValues { !controlArms.contains($0) }
        let smallest = definition.arms.map { arm in assignments.filter { $0.arm == arm.name }.count }.min() ?? 0

        var inputs: [(MetricReport, MetricInput?)] = []
        let roles: [(ExperimentProtocol.Metric, MetricRole)] = [(definition.metrics.primary, .primary)]
            + definition.metrics.secondary.map { ($0, .secondary) } + definition.metrics.guardrails.map { ($0, .guardrail) }
        for (metric, role) in roles {
            let totals = try weeklyTotals(metric: metric, calendar: calendar, windows: windows, merchants: Set(armOf.keys))
            if role == .primary {
                report.weekly = series(metric: metric, totals: totals, calendar: calendar, groups: definition.arms.map { arm in
                    (arm.name, Set(armOf.filter { $0.value == arm.name }.keys))
                }, trialStart: trialStart, followUpStart: followUpStart, bands: bands)
            }
            var result = MetricReport(name: metric.name, unit: metric.unit, role: role,
                                      direction: metric.direction == "decrease" ? .decreaseIsGood : .increaseIsGood)
            do {
                guard totals.observations.values.reduce(0, +) > 0 else {
                    throw LabError.invalid("No \(metric.name) outcome of an assigned merchant is stored yet.")
                }
                // A metric only the plugin records (orders, no-shows…) cannot exist in a control arm: comparing it with
                // the control arm's zeros would measure the plugin's presence, not its effect.
                let controlArms = Set(definition.arms.filter(\.control).map(\.name))
                let controlObservations = totals.observations.filter { controlArms.contains(armOf[$0.key] ?? "") }.values.reduce(0, +)
                guard controlObservations > 0 else {
                    throw LabError.invalid("\(metric.name) is recorded only in treatment arms (a plugin metric), so there is no control to compare it with; read it as a description of the treatment arm.")
                }
                let analysis = MetricAnalysis(totals: totals, treated: treated, merchants: merchants, calendar: calendar,
                                              trialStart: trialStart, analysisEnd: followUpStart ?? calendar.count,
                                              shocks: try store.shocks(), options: options)
                let (estimate, notes) = try analysis.estimate()
                result.estimate = estimate
                result.minimumDetectableEffect = estimate.minimumDetectableEffect()
                report.notes += notes
                if role == .primary {
                    do {
                        let design = try record.scheme()
                        result.randomization = try analysis.randomization(scheme: design.scheme, unitIDs: design.unitIDs)
                        if let note = design.note { report.notes.append(note) }
                        report.notes += result.randomization?.notes.filter { !$0.contains("in the smallest arm") } ?? []
                    } catch {
                        report.notes.append("\(metric.name): no randomisation-inference check (\(Self.describe(error))).")
                    }
                }
            } catch {
                result.problem = Self.describe(error)
            }
            inputs.append((result, result.estimate.map {
                MetricInput(name: metric.name, role: role, direction: result.direction, estimate: $0)
            }))
        }
        let evaluated = MetricFamily.evaluate(inputs.compactMap(\.1))
        var metrics = inputs.map(\.0)
        for (i, metric) in metrics.enumerated() {
            guard let match = evaluated.first(where: { $0.input.name == metric.name }) else { continue }
            metrics[i].adjustedPValue = match.adjustedPValue
            metrics[i].guardrail = match.guardrail
        }
        report.primary = metrics.first { $0.role == .primary }
        report.secondary = metrics.filter { $0.role == .secondary }
        report.guardrails = metrics.filter { $0.role == .guardrail }
        for guardrail in report.guardrails where guardrail.isHarmed {
            report.notes.append("Guardrail \(guardrail.name) is harmed: its whole interval lies on the bad side of zero.")
        }
        if smallest < 10 {
            let mde = report.primary?.minimumDetectableEffect.map { String(format: "%.3g", $0) } ?? "unknown"
            report.notes.insert("Too few merchants: \(smallest) in the smallest arm. Intervals are approximate and only effects larger than the MDE (\(mde) \(definition.metrics.primary.unit)) could be detected; a non-significant result does not show that there is no effect.", at: 0)
        }
        var seen = Set<String>()
        report.notes = report.notes.filter { seen.insert($0).inserted }
        return report
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? AnalysisError { return error.message }
        if let error = error as? LabError { return error.message }
        return String(describing: error)
    }

    // MARK: - Merchant view

    /// The fewest merchants whose mean a merchant's report may show next to their own figures.
    static let smallestStreet = 5

    func merchantReport(_ base: TrialReport, merchantID: String, definition: ExperimentProtocol, calendar: WeekCalendar,
                        windows: [String: (Date, Date?)], assignments: [LivingLabCore.Assignment], trialStart: Int,
                        followUpStart: Int?, bands: [WeeklySeries.Band]) throws(LabError) -> TrialReport
    {
        _ = try store.merchant(merchantID)
        guard try store.enrollments(in: protocolID).contains(where: { $0.merchantID == merchantID }) else {
            throw LabError.notFound("Merchant \(merchantID) is not enrolled in \(protocolID): check the id with `livinglab enroll list`, or drop --merchant for the aggregate report.")
        }
        var report = base
        let status = try store.consentStatuses(merchantID: merchantID, protocolID: protocolID).first
        var figures: [MerchantFigures.MetricFigures] = []
        let end = followUpStart ?? calendar.count
        // The street's line is the mean of every enrolled merchant, shown only when there are enough of them that it
        // tells nothing of any one of them.
        let street = Set(try store.enrollments(in: protocolID).map(\.merchantID))
        let showsStreet = street.count >= Self.smallestStreet
        for metric in definition.metrics.all {
            let drawn = metric == definition.metrics.primary && showsStreet
            let totals = try weeklyTotals(metric: metric, calendar: calendar, windows: windows,
                                          merchants: drawn ? street.union([merchantID]) : [merchantID])
            let weeks = totals.byMerchant[merchantID] ?? []
            let pre = weeks.prefix(trialStart).compactMap { $0 }
            let post = weeks.enumerated().filter { $0.offset >= trialStart && $0.offset < end }.compactMap(\.element)
            let preMean = pre.isEmpty || (totals.observations[merchantID] ?? 0) == 0 ? nil : pre.reduce(0, +) / Double(pre.count)
            let postMean = post.isEmpty ? nil : post.reduce(0, +) / Double(post.count)
            figures.append(.init(metric: metric.name, unit: metric.unit, baselineWeeklyMean: preMean, trialWeeklyMean: postMean,
                                 change: preMean.flatMap { a in postMean.map { $0 - a } },
                                 observations: totals.observations[merchantID] ?? 0))
            if metric == definition.metrics.primary {
                let groups: [(String, Set<String>)] = [("you", [merchantID])] + (drawn ? [("street", street)] : [])
                report.weekly = series(metric: metric, totals: totals, calendar: calendar, groups: groups,
                                       trialStart: trialStart, followUpStart: followUpStart, bands: bands)
            }
        }
        report.merchant = MerchantFigures(
            merchantID: merchantID, arm: assignments.first { $0.merchantID == merchantID }?.arm,
            consent: status?.state.rawValue ?? "none", consentSince: status?.since, metrics: figures)
        report.notes = ["This report shows only your own figures. The trial's overall result is published to the lab as aggregates, never naming a merchant."]
        return report
    }

    // MARK: - Data

    /// Per merchant: from the first consent to the withdrawal (if any), the time outcomes could be measured.
    func measurementWindows() throws(LabError) -> [String: (Date, Date?)] {
        var windows: [String: (Date, Date?)] = [:]
        for event in try store.consentEvents(protocolID: protocolID) {
            switch event.kind {
            case .given, .renewed:
                if windows[event.merchantID] == nil { windows[event.merchantID] = (event.at, nil) }
            case .withdrawn, .expired:
                if let open = windows[event.merchantID], open.1 == nil { windows[event.merchantID] = (open.0, event.at) }
            }
        }
        return windows
    }

    /// Whether a metric is a rate (averaged within a week) rather than a count or an amount (summed).
    static func isRate(_ metric: ExperimentProtocol.Metric) -> Bool {
        ["ratio", "rate", "percent", "%", "share", "proportion"].contains(metric.unit.lowercased()) || metric.name.hasSuffix("_rate")
    }

    /// Weekly totals of a metric per merchant (weekly means for rates).
    ///
    /// For counts and amounts a merchant-week counts as 0 when nothing was recorded but the merchant had consented
    /// before the week ended and had not withdrawn before it ended: no order recorded is no order. A rate has no value
    /// in a week without observations.
    func weeklyTotals(metric: ExperimentProtocol.Metric, calendar: WeekCalendar, windows: [String: (Date, Date?)],
                      merchants: Set<String>) throws(LabError) -> WeeklyTotals
    {
        let rate = Self.isRate(metric)
        var byMerchant: [String: [Double?]] = [:]
        var counts: [String: [Int]] = [:]
        var observations: [String: Int] = [:]
        for merchant in merchants {
            guard let window = windows[merchant], !rate else { continue }
            byMerchant[merchant] = (0..<calendar.count).map { w in
                let end = calendar.end(of: w)
                let open = window.0 < end && (window.1.map { $0 >= end } ?? true)
                return open ? 0 : nil
            }
        }
        for cell in try store.weeklyAggregates(protocolID: protocolID, metric: metric.name, firstWeekStart: calendar.firstMonday,
                                               weeks: calendar.count) {
            guard merchants.contains(cell.merchantID) else { continue }
            // A value stored under the gate was measurable that week even if the window rule says otherwise.
            byMerchant[cell.merchantID, default: Array(repeating: nil, count: calendar.count)][cell.week] =
                (byMerchant[cell.merchantID]?[cell.week] ?? 0) + cell.sum
            counts[cell.merchantID, default: Array(repeating: 0, count: calendar.count)][cell.week] += cell.count
            observations[cell.merchantID, default: 0] += cell.count
        }
        if rate {
            for (merchant, weeks) in byMerchant {
                let n = counts[merchant] ?? []
                byMerchant[merchant] = weeks.enumerated().map { w, v in v.map { $0 / Double(max(n[w], 1)) } }
            }
        }
        return WeeklyTotals(byMerchant: byMerchant, observations: observations)
    }

    func series(metric: ExperimentProtocol.Metric, totals: WeeklyTotals, calendar: WeekCalendar, groups: [(String, Set<String>)],
                trialStart: Int, followUpStart: Int?, bands: [WeeklySeries.Band]) -> WeeklySeries
    {
        let lines = groups.map { name, members in
            WeeklySeries.Line(name: name, values: (0..<calendar.count).map { w in
                let values = members.compactMap { totals.byMerchant[$0]?[w] ?? nil }
                return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
            })
        }
        return WeeklySeries(metric: metric.name, unit: metric.unit, weeks: (0..<calendar.count).map(calendar.day(of:)),
                            labels: (0..<calendar.count).map(calendar.label(of:)), trialStartWeek: trialStart,
                            followUpStartWeek: followUpStart, lines: lines, bands: bands)
    }

    func shockBands(_ calendar: WeekCalendar) throws(LabError) -> [WeeklySeries.Band] {
        try store.shocks().compactMap { shock in
            calendar.weeks(overlapping: shock.period).map {
                WeeklySeries.Band(shock: shock.id, kind: shock.kind, segments: shock.segments, firstWeek: $0.lowerBound, lastWeek: $0.upperBound)
            }
        }
    }

    func funnel() throws(LabError) -> ConsentFunnel {
        let enrollments = try store.enrollments(in: protocolID)
        let events = try store.consentEvents(protocolID: protocolID)
        let statuses = try store.consentStatuses(protocolID: protocolID)
        var consented = Set<String>(), withdrawn = Set<String>()
        var days: [String: (Int, Int)] = [:]
        for event in events {
            let day = CalendarDay(date: event.at).description
            switch event.kind {
            case .given:
                consented.insert(event.merchantID)
                days[day, default: (0, 0)].0 += 1
            case .withdrawn:
                withdrawn.insert(event.merchantID)
                days[day, default: (0, 0)].1 += 1
            case .expired, .renewed:
                break
            }
        }
        for enrollment in enrollments where enrollment.state == .withdrawn { withdrawn.insert(enrollment.merchantID) }
        return ConsentFunnel(
            invited: enrollments.count, consented: consented.count, withdrawn: withdrawn.count,
            active: statuses.filter { $0.state == .active }.count,
            pending: enrollments.filter { $0.state == .invited }.count,
            days: days.keys.sorted().map { .init(day: $0, consented: days[$0]!.0, withdrawn: days[$0]!.1) })
    }
}
