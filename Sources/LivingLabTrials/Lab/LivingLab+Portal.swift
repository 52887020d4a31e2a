import Foundation
import LivingLabCore
import LivingLabStore

/// Everything a merchant's page about one trial shows: what it is, what of their data it uses and why, for how long,
/// what happens if they withdraw, who runs it, who their sponsor is, where they stand, and what changed since they
/// consented.
public struct MerchantTrial: Sendable {
    public var invitation: Invitation
    /// The protocol in force (its newest approved version, else its newest).
    public var definition: ExperimentProtocol
    /// The document in the reader's language (or French), with the SHA-256 a consent must name.
    public var document: ConsentDocument?
    public var firm: Firm?
    public var sponsors: [Sponsor]
    /// The merchant's consent events for this trial, oldest first.
    public var events: [ConsentEvent]
    /// What changed since the version they consented to, when it must be renewed.
    public var changes: [ProtocolChange]
    /// Their feedback on the trial's plugin, with the firm's answers.
    public var feedback: [FeedbackThread]
    /// Their weekly primary metric next to the street's mean (``TrialReport`` for them), once there are outcomes.
    public var weekly: WeeklySeries?
}

extension LivingLab {
    /// A merchant's page about one trial they are invited to (`not-found` for any other).
    public func merchantTrial(_ protocolID: String, merchantID: String, language: String, visibleTo principal: Principal)
        throws(LabError) -> MerchantTrial
    {
        guard let invitation = try invitations(of: merchantID, visibleTo: principal).first(where: { $0.protocolID == protocolID }) else {
            throw Self.noProtocol(protocolID)
        }
        let stored = try store.storedProtocol(protocolID)
        let inForce = stored.approved ?? stored.latest
        let languages = inForce.definition.consent.documents.keys
        let shown: String? = languages.contains(language) ? language : (languages.contains("fr") ? "fr" : languages.sorted().first)
        let document = try shown.map { language throws(LabError) in try consentDocument(protocolID: protocolID, language: language) }
        let events = try store.consentEvents(merchantID: merchantID, protocolID: protocolID)
        var changes: [ProtocolChange] = []
        if invitation.consent == .needsRenewal,
           let consented = events.last(where: { $0.kind == .given || $0.kind == .renewed }),
           let old = stored.versions.first(where: { $0.version == consented.protocolVersion }) {
            changes = ProtocolDiff(from: old.definition, to: inForce.definition).changes
        }
        return MerchantTrial(
            invitation: invitation, definition: inForce.definition, document: document,
            firm: try store.firms().first { $0.id == inForce.definition.firm },
            sponsors: try store.sponsors(of: merchantID), events: events, changes: changes,
            feedback: try feedback(visibleTo: principal, pluginID: inForce.definition.plugin.id)
                .filter { $0.authorKind == .merchant && $0.authorID == merchantID },
            weekly: events.isEmpty ? nil
                : (try? TrialReport.assemble(from: store, protocolID: protocolID, options: ReportOptions(merchantID: merchantID)))?.weekly)
    }
}
