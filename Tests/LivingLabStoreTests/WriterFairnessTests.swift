import Foundation
import GRDB
import LabTestSupport
import LivingLabCore
import LivingLabStore
import Synchronization
import Testing

@Suite("A consent write is not starved by long imports (issue 10)")
struct WriterFairnessTests {
    /// Importers on their own connections (as `outcome import` processes would be) commit batch after batch, so that
    /// one of them always holds or wants SQLite's write lock, while a withdrawal is issued from another connection.
    /// SQLite's busy handler lets a fresh writer in before one that has waited longer; the withdrawal must still be
    /// stored within a batch per importer of being issued, however many batches are left.
    @Test("a withdrawal during long imports is stored within one batch per importer", arguments: StoreKind.allCases)
    func withdrawalIsNotStarved(kind: StoreKind) async throws {
        let lab = try TestLab(kind: kind)
        // Sixteen withdrawals, each measured: a starved one shows on almost every run without the priority lock.
        let withdrawing = (10..<26).map { "w\($0)" }
        try lab.store.addMerchants(withdrawing.map {
            Merchant(id: $0, name: "Boulangerie \($0)", sector: "bakery", segment: "Nord", positionMetres: 50, maturity: 1)
        }, actor: "coord")
        try lab.consent(["m1"] + withdrawing)
        let at = lab.clock.now()
        let importerCount = 4
        let batchCount = 250
        let batchesDone = Atomic<Int>(0)
        let allWithdrawn = Atomic<Bool>(false)
        let waits = Mutex<[(issued: Int, stored: Int)]>([])
        let failures = Mutex<[String]>([])

        var threads: [Thread] = []
        for importer in 0..<importerCount {
            let store = try lab.reopen()
            // Built beforehand, as an import does: an importer goes from one commit straight to the next.
            let batches = (0..<batchCount).map { batch in
                (0..<500).map { lab.outcome("m1", at: at, key: "i\(importer)-b\(batch)-\($0)") }
            }
            threads.append(Thread {
                for rows in batches where !allWithdrawn.load(ordering: .acquiring) {
                    do {
                        _ = try store.recordOutcomes(rows, actor: "import")
                    } catch {
                        failures.withLock { $0.append("importer \(importer): \(error)") }
                        return
                    }
                    batchesDone.add(1, ordering: .releasing)
                }
            })
        }
        let withdrawer = try lab.reopen()
        threads.append(Thread {
            for merchant in withdrawing {
                let start = batchesDone.load(ordering: .acquiring)
                while batchesDone.load(ordering: .acquiring) < start + 2 * importerCount { usleep(200) }
                let issued = batchesDone.load(ordering: .acquiring)
                do {
                    _ = try withdrawer.withdrawConsent(merchantID: merchant, protocolID: TestLab.protocolID, channel: "test",
                                                       actor: merchant)
                } catch {
                    failures.withLock { $0.append("withdrawal of \(merchant): \(error)") }
                }
                let stored = batchesDone.load(ordering: .acquiring)
                waits.withLock { $0.append((issued, stored)) }
            }
            allWithdrawn.store(true, ordering: .releasing)
        })
        for thread in threads { thread.start() }
        while !allWithdrawn.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(300))  // the importers stop after their batch in flight

        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let measured = waits.withLock { $0 }
        print("fairness: batches committed while each withdrawal waited:", measured.map { $0.stored - $0.issued })
        #expect(measured.count == withdrawing.count)
        #expect(batchesDone.load(ordering: .acquiring) < importerCount * batchCount, "the imports ended before the withdrawals")
        for (merchant, wait) in zip(withdrawing, measured) {
            #expect(wait.stored - wait.issued <= importerCount + 1,
                    "the withdrawal of \(merchant) was issued after \(wait.issued) batches and stored only after \(wait.stored)")
        }
        let states = try withdrawer.consentStatuses(merchantID: nil, protocolID: TestLab.protocolID)
        #expect(states.filter { $0.state == .withdrawn }.map(\.merchantID).sorted() == withdrawing)
    }
}

@Suite("A database held by another process is a clear, retryable refusal")
struct BusyDatabaseTests {
    @Test("a write that cannot get the lock within the busy timeout is `unavailable`, says to try again, and stores nothing")
    func busyBeyondTimeout() throws {
        let lab = try TestLab()
        var configuration = StoreConfiguration(path: lab.path)
        configuration.busyTimeout = 0.2
        configuration.clock = lab.clock
        let impatient = try SQLiteLabStore(configuration)
        let before = try lab.snapshot()
        // Another process holding the write lock: a raw connection inside an IMMEDIATE transaction.
        let holder = try DatabaseQueue(path: lab.path)
        try holder.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE TRANSACTION")
            let refusal = #expect(throws: LabError.self) {
                try impatient.addFirm(Firm(id: "velo-express", name: "Vélo Express"), actor: "coord")
            }
            #expect(refusal?.code == .unavailable)
            #expect(refusal?.code.isUserError == true)
            #expect(refusal?.message.contains("busy") == true && refusal?.message.contains("Try again") == true)
            try db.execute(sql: "ROLLBACK TRANSACTION")
        }
        #expect(try lab.snapshot() == before)
        try impatient.addFirm(Firm(id: "velo-express", name: "Vélo Express"), actor: "coord")
        #expect(try lab.store.firms().map(\.id).contains("velo-express"))
    }
}
