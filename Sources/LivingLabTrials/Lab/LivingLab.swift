import Foundation
import LivingLabCore
import LivingLabStore

/// The lab's use cases, as its coordinators, merchants and firms meet them, over one store.
///
/// The adapters hold no rules: the CLI (and the HTTP API to come) parse what a person asked, call one of these, and
/// print or encode the value it returns. Every use case checks the domain rules before anything is written; the store
/// then writes the change with its audit entry in one transaction. Plain reads that need no rule of their own go
/// straight to ``store``.
public struct LivingLab: Sendable {
    /// The lab's store.
    public let store: any LabStore
    /// Who acts, as the audit log records it (a coordinator's name, `merchant:m04`, `plugin:…`).
    public let actor: String

    /// The use cases of the lab in `store`, done by `actor`.
    public init(store: any LabStore, actor: String) {
        self.store = store
        self.actor = actor
    }
}
