import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Every write of the application, one transaction at a time, with group commit.
///
/// SQLite takes one writer at a time anyway; taking turns in the process first means a transaction that reads
/// the audit chain's head and then appends never meets `SQLITE_BUSY_SNAPSHOT` (PostgreSQL additionally takes
/// an advisory lock, so several instances keep one chain). Writes that arrive while another is running wait
/// together and then run as one transaction, each inside its own savepoint: one that fails is rolled back to
/// its savepoint and answered with its error, the others commit together, and nobody is answered before the
/// commit. Under load this turns a commit per ticket into a commit per batch. On SQLite the writes run in the
/// writer's own lane (`WriterLane`): its connection, event loop and SQLite thread.
public final class WriteGate: Sendable {
    /// At most this many writes share one transaction (a batch's latency is the sum of its writes).
    static let maxBatch = 64

    fileprivate struct Job: @unchecked Sendable {
        let body: @Sendable (any Database) async throws -> any Sendable
        let affectsReference: Bool
        let group: WriteGroup?
        let continuation: CheckedContinuation<any Sendable, any Error>
    }
    private struct State {
        var queue: [Job] = []
        var draining = false
        var stats = Stats()
    }

    /// Since the start: writes, the transactions that committed them, and writes done in a `WriteGroup`.
    struct Stats: Sendable, Equatable {
        var writes = 0
        var transactions = 0
        var grouped = 0
    }
    var stats: Stats { state.withLockedValue { $0.stats } }
    private let state = NIOLockedValueBox(State())
    let lane: WriterLane?

    init(lane: WriterLane? = nil) { self.lane = lane }

    /// Runs `body` in a transaction (shared with the writes waiting at the same moment); returns after the commit.
    /// `db` is the database to write to unless the gate has a lane of its own.
    func run<T: Sendable>(on db: any Database, reference: ReferenceCache, affectsReference: Bool, group: WriteGroup? = nil,
                          _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let job = Job(body: { try await body($0) }, affectsReference: affectsReference, group: group, continuation: continuation)
            let start = state.withLockedValue { s -> Bool in
                s.queue.append(job)
                if s.draining { return false }
                s.draining = true
                return true
            }
            guard start else { return }
            if let lane {
                Task(executorPreference: lane.executor) { await self.drain(on: lane.database, reference: reference) }
            } else {
                Task { await self.drain(on: db, reference: reference) }
            }
        }
        return result as! T
    }

    private func drain(on db: any Database, reference: ReferenceCache) async {
        while true {
            let batch = state.withLockedValue { s -> [Job] in
                let batch = Array(s.queue.prefix(Self.maxBatch))
                s.queue.removeFirst(batch.count)
                if batch.isEmpty { s.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            let grouped = await commit(batch, on: db, reference: reference)
            state.withLockedValue { $0.stats.writes += batch.count; $0.stats.transactions += 1; $0.stats.grouped += grouped }
        }
    }

    /// Returns how many of the writes were done in a group.
    private func commit(_ batch: [Job], on db: any Database, reference: ReferenceCache) async -> Int {
        if batch.count > 1, let group = batch[0].group, batch.allSatisfy({ $0.group?.key == group.key }),
           await commitWhole(batch, group: group, on: db, reference: reference) {
            return batch.count
        }
        let results = NIOLockedValueBox<[Result<any Sendable, any Error>?]>([])
        let grouped = NIOLockedValueBox(0)
        let audit = AuditBuffer()
        do {
            try await AuditBuffer.$current.withValue(audit) {
                try await db.transaction { tx in
                    // Fluent runs a transaction in a task of its own: back to the lane's thread for the chain of statements.
                    try await withTaskExecutorPreference(self.lane?.executor) {
                        results.withLockedValue { $0 = Array(repeating: nil, count: batch.count) }
                        if batch.count == 1 {
                            // Alone: the transaction itself is the savepoint.
                            let value = try await batch[0].body(tx)
                            try await audit.flush(on: tx)
                            results.withLockedValue { $0[0] = .success(value) }
                            return
                        }
                        let sql = tx as! any SQLDatabase
                        /// Runs `work` in a savepoint; on failure rolls it (and its audit rows) back and returns the error.
                        func attempt(_ work: () async throws -> Void) async throws -> (any Error)? {
                            let mark = audit.count
                            try await sql.raw("SAVEPOINT yiwei_write").run()
                            do {
                                try await work()
                                try await sql.raw("RELEASE SAVEPOINT yiwei_write").run()
                                return nil
                            } catch {
                                try await sql.raw("ROLLBACK TO SAVEPOINT yiwei_write").run()
                                try await sql.raw("RELEASE SAVEPOINT yiwei_write").run()
                                audit.truncate(to: mark)
                                return error
                            }
                        }
                        func runAlone(_ index: Int) async throws {
                            var value: (any Sendable)?
                            let failure = try await attempt { value = try await batch[index].body(tx) }
                            results.withLockedValue { $0[index] = failure.map { .failure($0) } ?? .success(value!) }
                        }
                        var index = 0
                        while index < batch.count {
                            // Writes of one kind side by side run together (`WriteGroup`); if that fails, each alone.
                            guard let group = batch[index].group else { try await runAlone(index); index += 1; continue }
                            var end = index + 1
                            while end < batch.count, batch[end].group?.key == group.key { end += 1 }
                            if end - index > 1 {
                                var values: [any Sendable] = []
                                let payloads = batch[index..<end].map { $0.group!.payload }
                                let failure = try await attempt { values = try await group.run(payloads, tx) }
                                if failure == nil, values.count == end - index {
                                    results.withLockedValue { for (offset, value) in values.enumerated() { $0[index + offset] = .success(value) } }
                                    grouped.withLockedValue { $0 += end - index }
                                    index = end
                                    continue
                                }
                            }
                            for alone in index..<end { try await runAlone(alone) }
                            index = end
                        }
                        // The group's audit rows, chained in the order of its writes, committed with them.
                        try await audit.flush(on: tx)
                    }
                }
            }
        } catch {
            // The transaction failed as a whole (or the only write in it failed): nothing of it was committed.
            if batch.contains(where: \.affectsReference) { reference.invalidate() }
            for job in batch { job.continuation.resume(throwing: error) }
            return 0
        }
        if batch.contains(where: \.affectsReference) { reference.invalidate() }
        for (job, result) in zip(batch, results.withLockedValue { $0 }) {
            job.continuation.resume(with: result ?? .failure(AppError(.internalServerError, "write_lost", "the write was not run")))
        }
        return grouped.withLockedValue { $0 }
    }
}

extension WriteGate {
    /// A batch that is one group — reports arriving together — as the group's statements straight in the transaction,
    /// without a savepoint around them (two round trips fewer for the writer). Returns false, with nothing committed,
    /// when the group failed: the batch then goes the careful way (`commit`), each write in its own savepoint.
    private func commitWhole(_ batch: [Job], group: WriteGroup, on db: any Database, reference: ReferenceCache) async -> Bool {
        let audit = AuditBuffer()
        let values: [any Sendable]
        do {
            values = try await AuditBuffer.$current.withValue(audit) {
                try await db.transaction { tx in
                    try await withTaskExecutorPreference(self.lane?.executor) {
                        let values = try await group.run(batch.map { $0.group!.payload }, tx)
                        guard values.count == batch.count else {
                            throw AppError(.internalServerError, "write_group", "the group answered \(values.count) of \(batch.count) writes")
                        }
                        try await audit.flush(on: tx)
                        return values
                    }
                }
            }
        } catch {
            return false
        }
        if batch.contains(where: \.affectsReference) { reference.invalidate() }
        for (job, value) in zip(batch, values) { job.continuation.resume(returning: value) }
        return true
    }
}

/// Writes of one kind that can be done together — several tickets reported at the same moment in one INSERT
/// instead of one each. `run` gets the payloads of consecutive writes of the kind in one transaction and
/// returns one result per payload, in order; if it throws, the group is rolled back and every write runs
/// alone through its own body.
struct WriteGroup: Sendable {
    let key: String
    let payload: any Sendable
    let run: @Sendable ([any Sendable], any Database) async throws -> [any Sendable]
}
