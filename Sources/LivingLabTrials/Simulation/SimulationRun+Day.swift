import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore
import Logging

extension SimulationRun {
    // MARK: - A day on the street

    /// What one merchant sold in a week, all channels.
    struct WeekTally {
        var sales = 0
        var revenueCents = 0.0
    }

    /// One online order as the customer will live it.
    struct PlannedOrder {
        var merchant: String
        var orderID: String
        var placeAt: Date
        var slot: String
        var slotStart: Date
        var slotEnd: Date
        var lines: [(product: SimulatedShop.Product, quantity: Int)]
        var noShow: Bool
        var collectAt: Date
        var totalCents: Int { lines.reduce(0) { $0 + $1.product.priceCents * $1.quantity } }
    }

    mutating func simulateDay(week: Int, day: Int, phase: String, tallies: inout [String: WeekTally]) throws(LabError) {
        let trialOn = phase == "trial" && runner != nil
        var orders: [PlannedOrder] = []
        for (index, id) in merchantIDs.enumerated() {
            var random = LabRandom(seed: configuration.seed, stream: UInt64(1 + index) << 32 | UInt64(week * 7 + day))
            let inTrial = leftAt[id].map { week < $0 } ?? true
            let featured = trialOn && isTreated(id) && inTrial
            let count = random.nextPoisson(mean: model.expectedDailyDemand(merchant: index, week: week, weekday: day, treated: featured))
            customers += count
            var online = 0
            var walkIns = count
            // Customers of a click & collect shop may order online on opening days; a shop that left still has its
            // order page in their bookmarks, so they try, and the gate refuses.
            if trialOn, isTreated(id), day < 6 {
                online = (0..<count).reduce(0) { n, _ in n + (random.nextUniform() < shops[index].onlineShare ? 1 : 0) }
                walkIns -= online
            }
            var tally = tallies[id, default: WeekTally()]
            if online > 0 {
                let planned = try planOrders(merchant: index, week: week, day: day, count: online, random: &random)
                walkIns += online - planned.count
                orders += planned
            }
            for _ in 0..<walkIns {
                tally.sales += 1
                tally.revenueCents += shops[index].walkInBasket(&random)
            }
            tallies[id] = tally
        }
        try execute(orders, tallies: &tallies)
    }

    /// Asks the plugin for the day's slots, then gives each online customer an order in one of the next slots with
    /// room; customers the shop cannot serve online (no slot left, shop withdrew) buy in the shop instead.
    mutating func planOrders(merchant index: Int, week: Int, day: Int, count: Int, random: inout LabRandom) throws(LabError)
        -> [PlannedOrder]
    {
        let id = merchantIDs[index]
        let dayText = calendar.day(week: week, day: day).description
        clock.set(calendar.local(week: week, day: day, minute: 7 * 60 + 30))
        let response: JSONValue
        do throws(LabError) {
            response = try call(id, .object(["action": "listSlots", "date": .string(dayText)]), at: clock.now())
        } catch let error where error.code == .consentDenied {
            gateRefusals += 1
            return []
        }
        guard case .array(let slots)? = response["slots"] else { return [] }
        var open: [(text: String, start: Date, end: Date, remaining: Int)] = slots.compactMap { slot in
            guard case .string(let start)? = slot["start"], case .string(let end)? = slot["end"],
                  case .number(let remaining)? = slot["remaining"],
                  let startDate = try? Timestamp.parse(start), let endDate = try? Timestamp.parse(end)
            else { return nil }
            return (start, startDate, endDate, Int(remaining))
        }
        var planned: [PlannedOrder] = []
        let times = (0..<count).map { _ in 8 * 60 + random.nextInt(below: 9 * 60 + 30) }.sorted()
        for (k, minute) in times.enumerated() {
            let placeAt = calendar.local(week: week, day: day, minute: minute)
            let candidates = open.indices.filter { open[$0].remaining > 0 && open[$0].start >= placeAt.addingTimeInterval(45 * 60) }
            guard !candidates.isEmpty else { continue }
            let slot = candidates[random.nextInt(below: min(4, candidates.count))]
            open[slot].remaining -= 1
            let length = open[slot].end.timeIntervalSince(open[slot].start)
            let noShow = random.nextUniform() < noShowRate(for: id)
            planned.append(PlannedOrder(
                merchant: id, orderID: "sim-\(calendar.isoWeek(week))-\(day + 1)-\(k + 1)", placeAt: placeAt,
                slot: open[slot].text, slotStart: open[slot].start, slotEnd: open[slot].end,
                lines: shops[index].orderLines(&random), noShow: noShow,
                collectAt: open[slot].start.addingTimeInterval(60 + random.nextUniform() * (length - 120))))
        }
        return planned
    }

    /// Plays the day's orders in time order: place, remind (arms with reminders), ready, then collect or no-show.
    mutating func execute(_ orders: [PlannedOrder], tallies: inout [String: WeekTally]) throws(LabError) {
        enum Step: Int { case place, remind, ready, close }
        var events: [(at: Date, order: Int, step: Step)] = []
        for (i, order) in orders.enumerated() {
            events.append((order.placeAt, i, .place))
            if reminders(in: arms[order.merchant]) {
                events.append((max(order.placeAt.addingTimeInterval(60), order.slotStart.addingTimeInterval(-90 * 60)), i, .remind))
            }
            events.append((max(order.placeAt.addingTimeInterval(120), order.slotStart.addingTimeInterval(-15 * 60)), i, .ready))
            events.append((order.noShow ? order.slotEnd.addingTimeInterval(300) : order.collectAt, i, .close))
        }
        events.sort { ($0.at, $0.order, $0.step.rawValue) < ($1.at, $1.order, $1.step.rawValue) }
        var accepted = Set<Int>()
        for event in events {
            let order = orders[event.order]
            if event.step != .place, !accepted.contains(event.order) { continue }
            clock.set(max(clock.now(), event.at))
            let at = clock.now()
            let orderID = JSONValue.string(order.orderID)
            do throws(LabError) {
                switch event.step {
                case .place:
                    let items = JSONValue.array(order.lines.map {
                        .object(["sku": .string($0.product.sku), "quantity": .number(Double($0.quantity))])
                    })
                    _ = try call(order.merchant, .object(["action": "placeOrder", "orderID": orderID, "slot": .string(order.slot),
                                                          "items": items, "customer": .string("c-\(order.orderID)")]), at: at)
                    accepted.insert(event.order)
                    placed += 1
                case .remind:
                    _ = try call(order.merchant, .object(["action": "sendReminders"]), at: at)
                case .ready:
                    _ = try call(order.merchant, .object(["action": "markReady", "orderID": orderID]), at: at)
                case .close:
                    _ = try call(order.merchant, .object(["action": order.noShow ? "markNoShow" : "collect", "orderID": orderID]), at: at)
                }
            } catch let error where error.code == .consentDenied {
                gateRefusals += 1
            } catch let error where error.code == .invalidInput && event.step == .place {
                refusedByPlugin += 1
                logger.debug("order \(order.orderID) refused: \(error.message)")
            }
            // Whatever the plugin answered, the customer's visit happened: a no-show bought nothing; any other
            // customer bought, online or, when the order was refused, in the shop.
            if event.step == .close || (event.step == .place && !accepted.contains(event.order)) {
                var tally = tallies[order.merchant, default: WeekTally()]
                if event.step == .close && order.noShow {
                    noShows += 1
                } else if event.step == .close {
                    collected += 1
                    tally.sales += 1
                    tally.revenueCents += Double(order.totalCents)
                } else {
                    tally.sales += 1
                    tally.revenueCents += shops[merchantIDs.firstIndex(of: order.merchant)!].walkInBasket(&walkInRandom)
                }
                tallies[order.merchant] = tally
            }
        }
    }

    var logger: Logger { simulation.logger }

    func call(_ merchantID: String, _ request: JSONValue, at date: Date) throws(LabError) -> JSONValue {
        guard let runner else { throw LabError(.consentDenied, "The trial is not running.") }
        guard case .object(var members) = request else { return .null }
        members["at"] = .string(Timestamp.format(date))
        let text = try runner.call(merchantID, request: JSONValue.object(members).canonicalText)
        return try JSONValue.parse(text)
    }


}
