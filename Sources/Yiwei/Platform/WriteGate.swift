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

    fileprivate struct Job: Sendable {
        let body: @Sendable (any Database) async throws -> any Sendable
        let affectsReference: Bool
        let group: WriteGroup?
        let continuation: CheckedContinuation<any Sendable, any Error>
    }
    private enum Turn { case start, queued, closed }
    private struct State {
        var queue: [Job] = []
        var draining = false
        /// Shutting down: new writes are refused (`close`).
        var closed = false
        /// The audit chain's head after the last commit (SQLite, where this process is the only writer; see
        /// `AuditBuffer.write`); nil after a failure or on PostgreSQL.
        var auditHead: AuditHead?
        var stats = Stats()
    }

    /// Since the start: writes, the transactions that committed them, and writes done in a `WriteGroup`.
    struct Stats: Sendable, Equatable {
        var writes = 0
        var transactions = 0
        var grouped = 0
    }
    var stats: Stats { state.withLockedValue { $0.stats } }
    /// The audit chain's head as the last commit left it (nil: the next group reads it).
    var knownAuditHead: AuditHead? { state.withLockedValue { $0.auditHead } }
    private let state = NIOLockedValueBox(State())
    let lane: WriterLane?

    init(lane: WriterLane? = nil) { self.lane = lane }

    /// Runs `body` in a transaction (shared with the writes waiting at the same moment); returns after the commit.
    /// `db` is the database to write to unless the gate has a lane of its own.
    func run<T: Sendable>(on db: any Database, reference: ReferenceCache, affectsReference: Bool, group: WriteGroup? = nil,
                          _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let job = Job(body: { try await body($0) }, affectsReference: affectsReference, group: group, continuation: continuation)
            let turn = state.withLockedValue { s -> Turn in
                if s.closed { return .closed }
                s.queue.append(job)
                if s.draining { return .queued }
                s.draining = true
                return .start
            }
            if turn == .closed {
                continuation.resume(throwing: AppError(.serviceUnavailable, .shuttingDown, "the server is shutting down; try again in a moment"))
                return
            }
            guard turn == .start else { return }
            if let lane {
                Task(executorPreference: lane.executor) { await self.drain(on: lane.database, reference: reference) }
            } else {
                Task { await self.drain(on: db, reference: reference) }
            }
        }
        return result as! T
    }

    /// At shutdown, before the lane closes: refuses new writes (503) and waits up to 30 s for those under way to commit
    /// and be answered, so none is left hanging on a closed connection.
    func close() async {
        state.withLockedValue { $0.closed = true }
        for _ in 0..<3000 where state.withLockedValue({ $0.draining }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
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
            await commit(batch, on: db, reference: reference)
        }
    }

    /// Counted before anyone in the batch is answered, so a caller that reads the figures after its write sees it.
    private func count(_ batch: [Job], grouped: Int) {
        state.withLockedValue { $0.stats.writes += batch.count; $0.stats.transactions += 1; $0.stats.grouped += grouped }
    }

    /// Commits the batch and answers each write.
    private func commit(_ batch: [Job], on db: any Database, reference: ReferenceCache) async {
        var tryGroups = true
        if batch.count > 1, let group = batch[0].group, batch.allSatisfy({ $0.group?.key == group.key }) {
            switch await commitWhole(batch, group: group, on: db, reference: reference) {
            case .committed, .failed: return
            // The group itself failed: each write alone in its savepoint (the group is not tried again).
            case .groupFailed: tryGroups = false
            }
        }
        let grouping = tryGroups
        let results = NIOLockedValueBox<[Result<any Sendable, any Error>?]>([])
        let grouped = NIOLockedValueBox(0)
        let audit = AuditBuffer(knownHead: lane == nil ? nil : state.withLockedValue { $0.auditHead })
        do {
            try await db.transaction { tx in
                try await self.inTransaction(audit) {
                    results.withLockedValue { $0 = Array(repeating: nil, count: batch.count) }
                    if batch.count == 1 {
                        // Alone: the transaction itself is the savepoint.
                        let value = try await batch[0].body(tx)
                        try await audit.flush(on: tx)
                        results.withLockedValue { $0[0] = .success(value) }
                        return
                    }
                    let sql = tx.sql
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
                        guard grouping, let group = batch[index].group else { try await runAlone(index); index += 1; continue }
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
        } catch {
            // The transaction failed as a whole (or the only write in it failed): nothing of it was committed.
            state.withLockedValue { $0.auditHead = nil }
            if batch.contains(where: \.affectsReference) { reference.invalidate() }
            count(batch, grouped: 0)
            for job in batch { job.continuation.resume(throwing: error) }
            return
        }
        state.withLockedValue { $0.auditHead = lane == nil ? nil : audit.head }
        if batch.contains(where: \.affectsReference) { reference.invalidate() }
        count(batch, grouped: grouped.withLockedValue { $0 })
        for (job, result) in zip(batch, results.withLockedValue { $0 }) {
            job.continuation.resume(with: result ?? .failure(AppError(.internalServerError, .writeLost, "the write was not run")))
        }
    }
}

extension WriteGate {
    /// Fluent runs a transaction's body in a task of its own, started from the connection pool's callback: it inherits
    /// neither the lane's executor preference nor the group's audit buffer (task-local values), so both are set again
    /// here. (Without this every write appended its audit row on its own — a read of the chain's head and an insert
    /// each — instead of once per group.)
    fileprivate func inTransaction<T: Sendable>(_ audit: AuditBuffer, _ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(lane?.executor) {
            try await AuditBuffer.$current.withValue(audit) { try await body() }
        }
    }

    enum WholeOutcome { case committed, groupFailed, failed }

    /// A batch that is one group — reports arriving together — as the group's statements straight in the transaction,
    /// without a savepoint around them (two round trips fewer for the writer). When the group's own work fails, nothing
    /// is committed and the batch goes the careful way (`commit`, each write in its own savepoint); when the
    /// transaction fails otherwise (BEGIN, COMMIT, a lost connection) every write gets the error, as in `commit` — a
    /// commit whose answer was lost is never run twice.
    private func commitWhole(_ batch: [Job], group: WriteGroup, on db: any Database, reference: ReferenceCache) async -> WholeOutcome {
        let audit = AuditBuffer(knownHead: lane == nil ? nil : state.withLockedValue { $0.auditHead })
        let groupFailed = NIOLockedValueBox(false)
        let values: [any Sendable]
        do {
            values = try await db.transaction { tx in
                try await self.inTransaction(audit) {
                    do {
                        let values = try await group.run(batch.map { $0.group!.payload }, tx)
                        guard values.count == batch.count else {
                            throw AppError(.internalServerError, .writeGroup, "the group answered \(values.count) of \(batch.count) writes")
                        }
                        try await audit.flush(on: tx)
                        return values
                    } catch {
                        groupFailed.withLockedValue { $0 = true }
                        throw error
                    }
                }
            }
        } catch {
            state.withLockedValue { $0.auditHead = nil }
            if groupFailed.withLockedValue({ $0 }) { return .groupFailed }
            if batch.contains(where: \.affectsReference) { reference.invalidate() }
            count(batch, grouped: 0)
            for job in batch { job.continuation.resume(throwing: error) }
            return .failed
        }
        state.withLockedValue { $0.auditHead = lane == nil ? nil : audit.head }
        if batch.contains(where: \.affectsReference) { reference.invalidate() }
        count(batch, grouped: batch.count)
        for (job, value) in zip(batch, values) { job.continuation.resume(returning: value) }
        return .committed
    }
}

/// Writes of one kind that can be done together — several tickets reported at the same moment in one INSERT
/// instead of one each. `run` gets the payloads of consecutive writes of the kind in one transaction and
/// returns one result per payload, in order; if it throws, the group is rolled back and every write runs
/// alone through its own body.
package struct WriteGroup: Sendable {
    let key: String
    let payload: any Sendable
    let run: @Sendable ([any Sendable], any Database) async throws -> [any Sendable]
}
