import Foundation
import GRDB
import LivingLabCore

extension SQLiteLabStore {
    // MARK: - Lab

    /// Records the lab's description (once; later calls update it).
    public func setLab(_ lab: Lab, actor: String) throws(LabError) {
        try lab.validate()
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO lab (id, definition, createdAt) VALUES (?, ?, ?)",
                           arguments: [lab.id, try Column.encode(lab), now().milliseconds])
            try audit(db, actor: actor, action: "lab.set", subjects: [lab.id])
        }
    }

    /// The lab's description, if set.
    public func lab() throws(LabError) -> Lab? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT definition FROM lab LIMIT 1").map { try Column.decode(Lab.self, $0) }
        }
    }

    // MARK: - Merchants

    /// Registers one merchant.
    public func addMerchant(_ merchant: Merchant, actor: String) throws(LabError) {
        try addMerchants([merchant], actor: actor)
    }

    /// Registers merchants all together: if any is invalid or already registered, none is stored.
    public func addMerchants(_ merchants: [Merchant], actor: String) throws(LabError) {
        for merchant in merchants { try merchant.validate() }
        var seen = Set<String>()
        for merchant in merchants where !seen.insert(merchant.id).inserted {
            throw .conflict("Merchant id \(merchant.id) appears twice in this batch: give each merchant its own id.")
        }
        try write { db in
            let lab = try String.fetchOne(db, sql: "SELECT definition FROM lab LIMIT 1").map { try Column.decode(Lab.self, $0) }
            for merchant in merchants {
                try lab?.checkSegment(of: merchant)
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM merchant WHERE id = ?", arguments: [merchant.id]) == true {
                    throw LabError.conflict("Merchant \(merchant.id) is already registered: use another id, or `livinglab merchant show \(merchant.id)` to see it.")
                }
                try db.execute(
                    sql: """
                        INSERT INTO merchant (id, name, sector, segment, positionMetres, maturity, association, contact)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [merchant.id, merchant.name, merchant.sector, merchant.segment, merchant.positionMetres,
                                merchant.maturity, merchant.association, merchant.contact])
            }
            // Ids only: names and contacts are personal data and stay out of the audit log.
            try audit(db, actor: actor, action: merchants.count == 1 ? "merchant.add" : "merchant.import",
                      subjects: merchants.map(\.id), details: ["count": .number(Double(merchants.count))])
        }
    }

    /// Every merchant, by id.
    public func merchants() throws(LabError) -> [Merchant] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM merchant ORDER BY id").map(Self.merchant) }
    }

    /// One merchant.
    public func merchant(_ id: String) throws(LabError) -> Merchant {
        let found = try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM merchant WHERE id = ?", arguments: [id]).map(Self.merchant)
        }
        guard let found else {
            throw .notFound("No merchant has id \(id): see `livinglab merchant list` for the registered ids.")
        }
        return found
    }

    static func merchant(_ row: Row) -> Merchant {
        Merchant(id: row["id"], name: row["name"], sector: row["sector"], segment: row["segment"],
                 positionMetres: row["positionMetres"], maturity: row["maturity"], association: row["association"],
                 contact: row["contact"])
    }

    // MARK: - Firms and sponsors

    /// Registers a firm.
    public func addFirm(_ firm: Firm, actor: String) throws(LabError) {
        try firm.validate()
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM firm WHERE id = ?", arguments: [firm.id]) == true {
                throw LabError.conflict("Firm \(firm.id) is already registered: use another id.")
            }
            try db.execute(sql: "INSERT INTO firm (id, name, contact, summary) VALUES (?, ?, ?, ?)",
                           arguments: [firm.id, firm.name, firm.contact, firm.summary])
            try audit(db, actor: actor, action: "firm.add", subjects: [firm.id])
        }
    }

    /// Every firm, by id.
    public func firms() throws(LabError) -> [Firm] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM firm ORDER BY id").map {
                Firm(id: $0["id"], name: $0["name"], contact: $0["contact"], summary: $0["summary"])
            }
        }
    }

    /// Registers a sponsor (*parrain*) who signed the charter.
    public func addSponsor(_ sponsor: Sponsor, actor: String) throws(LabError) {
        try sponsor.validate()
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM sponsor WHERE id = ?", arguments: [sponsor.id]) == true {
                throw LabError.conflict("Sponsor \(sponsor.id) is already registered: use another id.")
            }
            if let employer = sponsor.employerFirmID,
               try Bool.fetchOne(db, sql: "SELECT 1 FROM firm WHERE id = ?", arguments: [employer]) != true {
                throw LabError.notFound("Sponsor \(sponsor.id) names employer \(employer), which is not a registered firm: add it with `livinglab firm add` first, or leave the employer out.")
            }
            try db.execute(
                sql: "INSERT INTO sponsor (id, name, charterVersion, employerFirmID, skills, contact) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [sponsor.id, sponsor.name, sponsor.charterVersion, sponsor.employerFirmID,
                            try Column.encode(sponsor.skills), sponsor.contact])
            try audit(db, actor: actor, action: "sponsor.add", subjects: [sponsor.id],
                      details: ["charterVersion": .string(sponsor.charterVersion)])
        }
    }

    /// Sponsors, all of them or those paired with one merchant, by id.
    public func sponsors(pairedWith merchantID: String?) throws(LabError) -> [Sponsor] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM sponsor WHERE ?1 IS NULL
                   OR id IN (SELECT sponsorID FROM sponsorPairing WHERE merchantID = ?1)
                ORDER BY id
                """, arguments: [merchantID]).map(Self.sponsor)
        }
    }

    static func sponsor(_ row: Row) throws -> Sponsor {
        Sponsor(id: row["id"], name: row["name"], charterVersion: row["charterVersion"], employerFirmID: row["employerFirmID"],
                skills: try Column.decode([String].self, row["skills"]), contact: row["contact"])
    }

    /// Pairs a sponsor with a merchant, refusing a pairing that breaks the non-commercial rule.
    public func pairSponsor(_ sponsorID: String, with merchantID: String, actor: String) throws(LabError) {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sponsor WHERE id = ?", arguments: [sponsorID]) else {
                throw LabError.notFound("No sponsor has id \(sponsorID): see `livinglab sponsor list`.")
            }
            let sponsor = try Self.sponsor(row)
            try Self.requireMerchant(db, merchantID)
            let trials = try Self.trialFirms(db, merchantID: merchantID)
            try SponsorPairingRule.check(sponsor: sponsor, merchantID: merchantID, trialFirms: trials)
            try db.execute(sql: "INSERT OR IGNORE INTO sponsorPairing (sponsorID, merchantID, pairedAt) VALUES (?, ?, ?)",
                           arguments: [sponsorID, merchantID, now().milliseconds])
            try audit(db, actor: actor, action: "sponsor.pair", subjects: [sponsorID, merchantID])
        }
    }

    static func requireMerchant(_ db: Database, _ merchantID: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM merchant WHERE id = ?", arguments: [merchantID]) != true {
            throw LabError.notFound("No merchant has id \(merchantID): see `livinglab merchant list` for the registered ids.")
        }
    }

    /// For each protocol a merchant is enrolled in (and has not left), the firm owning its plugin.
    static func trialFirms(_ db: Database, merchantID: String) throws -> [(protocolID: String, firmID: String)] {
        try Row.fetchAll(db, sql: """
            SELECT enrollment.protocolID AS protocolID, protocolVersion.definition AS definition
            FROM enrollment
            JOIN protocol ON protocol.id = enrollment.protocolID
            JOIN protocolVersion ON protocolVersion.protocolID = protocol.id AND protocolVersion.version = protocol.currentVersion
            WHERE enrollment.merchantID = ? AND enrollment.state NOT IN ('withdrawn', 'completed')
            """, arguments: [merchantID]).map { row in
            (row["protocolID"], try Column.decode(ExperimentProtocol.self, row["definition"]).firm)
        }
    }

    // MARK: - Cohorts

    /// Creates a cohort from a criteria expression (evaluated now, against the registered merchants) or a list of ids.
    @discardableResult
    public func createCohort(name: String, criteria: String? = nil, merchantIDs: [String]? = nil, actor: String) throws(LabError)
        -> Cohort
    {
        try Identifier.validate(name, kind: "cohort")
        guard (criteria == nil) != (merchantIDs == nil) else {
            throw .invalid("A cohort is built either from criteria (`--where EXPR`) or from a list (`--merchants m01,m02`), not both and not neither.")
        }
        let parsed = try criteria.map { (expression: String) throws(LabError) -> Criteria in try Criteria(expression) }
        let all = try merchants()
        let members: [String]
        if let parsed {
            members = all.filter { parsed.matches($0) }.map(\.id)
        } else {
            let known = Set(all.map(\.id))
            let ids = merchantIDs ?? []
            if let unknown = ids.first(where: { !known.contains($0) }) {
                throw .notFound("No merchant has id \(unknown): see `livinglab merchant list` for the registered ids.")
            }
            members = Array(NSOrderedSet(array: ids)) as? [String] ?? ids
        }
        let cohort = Cohort(name: name, criteria: criteria, merchantIDs: members, createdAt: now())
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM cohort WHERE name = ?", arguments: [name]) == true {
                throw LabError.conflict("A cohort named \(name) already exists: choose another name.")
            }
            try db.execute(sql: "INSERT INTO cohort (name, criteria, merchantIDs, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [name, criteria, try Column.encode(members), cohort.createdAt.milliseconds])
            try audit(db, actor: actor, action: "cohort.create", subjects: [name] + members,
                      details: ["criteria": criteria.map { .string($0) } ?? .null, "size": .number(Double(members.count))])
        }
        return cohort
    }

    /// A cohort by name.
    public func cohort(_ name: String) throws(LabError) -> Cohort {
        let found = try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM cohort WHERE name = ?", arguments: [name]).map { row in
                Cohort(name: row["name"], criteria: row["criteria"], merchantIDs: try Column.decode([String].self, row["merchantIDs"]),
                       createdAt: Date(milliseconds: row["createdAt"]))
            }
        }
        guard let found else { throw .notFound("No cohort is named \(name): create it with `livinglab cohort create \(name) --where …`.") }
        return found
    }

    /// Every cohort name.
    public func cohortNames() throws(LabError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM cohort ORDER BY name") }
    }

    // MARK: - Shocks and feedback

    /// Records a dated external event on part of the street.
    public func addShock(_ shock: Shock, actor: String) throws(LabError) {
        try shock.validate()
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM shock WHERE id = ?", arguments: [shock.id]) == true {
                throw LabError.conflict("Shock \(shock.id) is already recorded: use another id.")
            }
            try db.execute(
                sql: "INSERT INTO shock (id, kind, segments, startDay, endDay, description) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [shock.id, shock.kind, try Column.encode(shock.segments), shock.period.start.description,
                            shock.period.end.description, shock.description])
            try audit(db, actor: actor, action: "shock.add", subjects: [shock.id],
                      details: ["kind": .string(shock.kind), "segments": .array(shock.segments.map { .string($0) })])
        }
    }

    /// Every recorded shock, by start day.
    public func shocks() throws(LabError) -> [Shock] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM shock ORDER BY startDay, id").map { row in
                Shock(id: row["id"], kind: row["kind"], segments: try Column.decode([String].self, row["segments"]),
                      period: DayRange(start: try CalendarDay(row["startDay"]), end: try CalendarDay(row["endDay"])),
                      description: row["description"])
            }
        }
    }

    /// Records a merchant's or sponsor's feedback on a plugin.
    @discardableResult
    public func addFeedback(_ feedback: Feedback, actor: String) throws(LabError) -> Feedback {
        try feedback.validate()
        return try write { db in
            let table = feedback.authorKind == .merchant ? "merchant" : "sponsor"
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [feedback.authorID]) != true {
                throw LabError.notFound("No \(table) has id \(feedback.authorID): feedback must come from a registered \(table).")
            }
            try db.execute(sql: "INSERT INTO feedback (authorKind, authorID, pluginID, text, rating, at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [feedback.authorKind.rawValue, feedback.authorID, feedback.pluginID, feedback.text,
                                       feedback.rating, feedback.at.roundedToMilliseconds.milliseconds])
            var stored = feedback
            stored.id = db.lastInsertedRowID
            try audit(db, actor: actor, action: "feedback.add", subjects: [feedback.authorID, feedback.pluginID],
                      details: ["feedback": .number(Double(db.lastInsertedRowID))])
            return stored
        }
    }

    /// Feedback, optionally for one plugin, newest first.
    public func feedback(pluginID: String? = nil) throws(LabError) -> [Feedback] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feedback WHERE ?1 IS NULL OR pluginID = ?1 ORDER BY at DESC, id DESC",
                             arguments: [pluginID]).map { row in
                Feedback(id: row["id"], authorKind: Feedback.AuthorKind(rawValue: row["authorKind"]) ?? .merchant,
                         authorID: row["authorID"], pluginID: row["pluginID"], text: row["text"], rating: row["rating"],
                         at: Date(milliseconds: row["at"]))
            }
        }
    }

    /// Records an answer to a piece of feedback.
    @discardableResult
    public func addFeedbackAnswer(_ answer: FeedbackAnswer, actor: String) throws(LabError) -> FeedbackAnswer {
        try answer.validate()
        return try write(changesTrials: false) { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM feedback WHERE id = ?", arguments: [answer.feedbackID]) == true else {
                throw LabError.notFound("There is no feedback \(answer.feedbackID): list it with `livinglab feedback list`.")
            }
            try db.execute(sql: "INSERT INTO feedbackAnswer (feedbackID, authorKind, authorID, text, at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [answer.feedbackID, answer.authorKind.rawValue, answer.authorID, answer.text,
                                       answer.at.roundedToMilliseconds.milliseconds])
            var stored = answer
            stored.id = db.lastInsertedRowID
            try audit(db, actor: actor, action: "feedback.answer", subjects: [answer.authorID],
                      details: ["feedback": .number(Double(answer.feedbackID)), "answer": .number(Double(db.lastInsertedRowID))])
            return stored
        }
    }

    /// The answers to one piece of feedback, or to all, oldest first.
    public func feedbackAnswers(feedbackID: Int64?) throws(LabError) -> [FeedbackAnswer] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feedbackAnswer WHERE ?1 IS NULL OR feedbackID = ?1 ORDER BY at, id",
                             arguments: [feedbackID]).map { row in
                FeedbackAnswer(id: row["id"], feedbackID: row["feedbackID"],
                               authorKind: FeedbackAnswer.AuthorKind(rawValue: row["authorKind"]) ?? .coordinator,
                               authorID: row["authorID"], text: row["text"], at: Date(milliseconds: row["at"]))
            }
        }
    }
}
