import Foundation
import LivingLabCore
import LivingLabStore

/// A merchant with where they stand: their sponsors, trials and consents.
public struct MerchantProfile: Codable, Sendable, Hashable {
    public var merchant: Merchant
    public var sponsors: [String]
    public var enrollments: [Enrollment]
    public var consents: [ConsentStatus]
}

/// What an import of rows did: what it stored, and the rows it skipped with why.
public struct RowImport: Codable, Sendable, Hashable {
    /// The ids stored.
    public var imported: [String]
    /// Rows left out (only with `skipInvalid`), by line.
    public var skipped: [RowProblem]
}

extension LivingLab {
    /// Starts a lab in a new database: records its description.
    public func createLab(_ description: Lab) throws(LabError) -> Lab {
        if try store.lab() != nil {
            throw LabError.conflict("This database already holds a lab: pick another --db path to start a new one.")
        }
        try store.setLab(description, actor: actor)
        return description
    }

    /// Registers one merchant.
    public func registerMerchant(_ merchant: Merchant) throws(LabError) -> Merchant {
        try store.addMerchant(merchant, actor: actor)
        return merchant
    }

    /// The merchants matching a criteria expression (every merchant for `nil` or empty).
    public func merchants(matching criteria: String?) throws(LabError) -> [Merchant] {
        let filter = try Criteria(criteria ?? "")
        return try store.merchants().filter { filter.matches($0) }
    }

    /// A merchant, their sponsors, trials and consents.
    public func merchantProfile(_ id: String) throws(LabError) -> MerchantProfile {
        MerchantProfile(merchant: try store.merchant(id), sponsors: try store.sponsors(of: id).map(\.id),
                        enrollments: try store.enrollments(of: id), consents: try store.consentStatuses(merchantID: id))
    }

    /// Imports merchants from CSV text: all or nothing, unless `skipInvalid` (then the bad rows are listed).
    ///
    /// - Parameter source: the file's name, for the messages.
    public func importMerchants(csv text: String, source: String, skipInvalid: Bool) throws(LabError) -> RowImport {
        let table = try CSVTable(parsing: text, required: ["id", "name", "sector", "segment", "position_m", "maturity"])
        var (merchants, problems) = CSVImport.merchants(table)
        let existing = Set(try store.merchants().map(\.id))
        let lines = Dictionary(table.rows.compactMap { row in row["id"].map { ($0, row.line) } }, uniquingKeysWith: { a, _ in a })
        for merchant in merchants where existing.contains(merchant.id) {
            problems.append(RowProblem(line: lines[merchant.id] ?? 0, reason: "merchant \(merchant.id) is already registered"))
        }
        merchants.removeAll { existing.contains($0.id) }
        problems.sort { $0.line < $1.line }
        if !problems.isEmpty && !skipInvalid {
            throw LabError.invalid("\(source) has \(problems.count) bad row(s); nothing was imported. Fix them, or run again with --skip-invalid:\n  "
                + problems.map(\.description).joined(separator: "\n  "))
        }
        if !merchants.isEmpty { try store.addMerchants(merchants, actor: actor) }
        return RowImport(imported: merchants.map(\.id), skipped: problems)
    }

    /// Registers a firm.
    public func registerFirm(_ firm: Firm) throws(LabError) -> Firm {
        try store.addFirm(firm, actor: actor)
        return firm
    }

    /// Registers a sponsor who signed the sponsor charter.
    public func registerSponsor(_ sponsor: Sponsor) throws(LabError) -> Sponsor {
        try store.addSponsor(sponsor, actor: actor)
        return sponsor
    }

    /// Pairs a sponsor with a merchant (refused when the sponsor's employer runs a trial the merchant is in).
    public func pairSponsor(_ sponsorID: String, with merchantID: String) throws(LabError) -> SponsorPairing {
        try store.pairSponsor(sponsorID, with: merchantID, actor: actor)
        return SponsorPairing(sponsorID: sponsorID, merchantID: merchantID)
    }

    /// Creates a cohort from a criteria expression or a list of merchants.
    public func createCohort(name: String, criteria: String?, merchantIDs: [String]?) throws(LabError) -> Cohort {
        try store.createCohort(name: name, criteria: criteria, merchantIDs: merchantIDs, actor: actor)
    }

    /// Records a shock (tram works, a strike, a holiday) on street segments.
    public func recordShock(_ shock: Shock) throws(LabError) -> Shock {
        try store.addShock(shock, actor: actor)
        return shock
    }

    /// Records a merchant's or sponsor's feedback on a plugin, stamped now.
    public func recordFeedback(author: String, kind: Feedback.AuthorKind, pluginID: String, text: String, rating: Int?)
        throws(LabError) -> Feedback
    {
        try store.addFeedback(Feedback(authorKind: kind, authorID: author, pluginID: pluginID, text: text, rating: rating,
                                       at: store.now()), actor: actor)
    }

    /// Answers a piece of feedback: as firm `firmID` when given (only feedback on that firm's own plugins), else as the
    /// lab's coordinator (this use case's actor).
    public func answerFeedback(_ feedbackID: Int64, text: String, firmID: String?) throws(LabError) -> FeedbackAnswer {
        let missing = LabError.notFound("There is no feedback \(feedbackID)\(firmID.map { " on a plugin of \($0)" } ?? ""): check its number in the feedback list.")
        guard let feedback = try store.feedback().first(where: { $0.id == feedbackID }) else { throw missing }
        if let firmID, try !owns(firm: firmID, pluginID: feedback.pluginID) { throw missing }
        return try store.addFeedbackAnswer(
            FeedbackAnswer(feedbackID: feedbackID, authorKind: firmID == nil ? .coordinator : .firm, authorID: firmID ?? actor,
                           text: text, at: store.now()), actor: actor)
    }

    /// The feedback `principal` may read, newest first, with its answers: all of it for a coordinator, that on its own
    /// plugins for a firm (without who wrote it), and their own for a merchant or a sponsor.
    public func feedback(visibleTo principal: Principal, pluginID: String? = nil) throws(LabError) -> [FeedbackThread] {
        let answers = Dictionary(grouping: try store.feedbackAnswers(feedbackID: nil), by: \.feedbackID)
        var threads: [FeedbackThread] = []
        var ownership: [String: Bool] = [:]
        for item in try store.feedback(pluginID: pluginID) {
            var authorID: String? = item.authorID
            switch principal.role {
            case .coordinator: break
            case .firm:
                let owned: Bool
                if let known = ownership[item.pluginID] {
                    owned = known
                } else {
                    owned = try owns(firm: principal.subject ?? "", pluginID: item.pluginID)
                    ownership[item.pluginID] = owned
                }
                guard owned else { continue }
                authorID = nil
            case .merchant, .sponsor:
                guard item.authorKind.rawValue == principal.role.rawValue, item.authorID == principal.subject else { continue }
            }
            threads.append(FeedbackThread(id: item.id ?? 0, pluginID: item.pluginID, authorKind: item.authorKind, authorID: authorID,
                                          text: item.text, rating: item.rating, at: item.at, answers: answers[item.id ?? 0] ?? []))
        }
        return threads
    }

    /// Answers a piece of feedback as `principal`: a firm on its own plugins, a coordinator on any.
    public func answerFeedback(_ feedbackID: Int64, text: String, as principal: Principal) throws(LabError) -> FeedbackAnswer {
        switch principal.role {
        case .coordinator: return try answerFeedback(feedbackID, text: text, firmID: nil)
        case .firm: return try answerFeedback(feedbackID, text: text, firmID: principal.subject ?? "")
        case .merchant, .sponsor:
            throw LabError(.forbidden, "Answers come from the firm whose plugin it is, or from the coordinator.")
        }
    }

    /// Whether firm `firmID` ships plugin `pluginID`: it registered a binary of it, or runs a protocol of it.
    func owns(firm firmID: String, pluginID: String) throws(LabError) -> Bool {
        if try store.plugins(id: pluginID).contains(where: { $0.firm == firmID }) { return true }
        for id in try store.protocolIDs() {
            let definition = try store.storedProtocol(id).latest.definition
            if definition.plugin.id == pluginID, definition.firm == firmID { return true }
        }
        return false
    }
}

/// A piece of feedback with the answers to it, as its reader may see it.
public struct FeedbackThread: Codable, Sendable, Hashable {
    public var id: Int64
    public var pluginID: String
    public var authorKind: Feedback.AuthorKind
    /// Who wrote it; withheld from firms, who read what was said about their plugin, not who said it.
    public var authorID: String?
    public var text: String
    public var rating: Int?
    public var at: Date
    public var answers: [FeedbackAnswer]
}

/// A sponsor paired with a merchant.
public struct SponsorPairing: Codable, Sendable, Hashable {
    public var sponsorID: String
    public var merchantID: String
}
