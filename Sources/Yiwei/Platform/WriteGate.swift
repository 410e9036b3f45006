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
/// commit. Under load this turns a commit per ticket into a commit per batch.
public final class WriteGate: Sendable {
    /// At most this many writes share one transaction (a batch's latency is the sum of its writes).
    static let maxBatch = 64

    private struct Job: @unchecked Sendable {
        let body: @Sendable (any Database) async throws -> any Sendable
        let affectsReference: Bool
        let continuation: CheckedContinuation<any Sendable, any Error>
    }
    private struct State {
        var queue: [Job] = []
        var draining = false
    }
    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Runs `body` in a transaction (shared with the writes waiting at the same moment); returns after the commit.
    func run<T: Sendable>(on db: any Database, reference: ReferenceCache, affectsReference: Bool,
                          _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let job = Job(body: { try await body($0) }, affectsReference: affectsReference, continuation: continuation)
            let start = state.withLockedValue { s -> Bool in
                s.queue.append(job)
                if s.draining { return false }
                s.draining = true
                return true
            }
            if start { Task { await self.drain(on: db, reference: reference) } }
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
            await commit(batch, on: db, reference: reference)
        }
    }

    private func commit(_ batch: [Job], on db: any Database, reference: ReferenceCache) async {
        let results = NIOLockedValueBox<[Result<any Sendable, any Error>]>([])
        let audit = AuditBuffer()
        do {
            try await AuditBuffer.$current.withValue(audit) {
                try await db.transaction { tx in
                    results.withLockedValue { $0 = [] }
                    if batch.count == 1 {
                        // Alone: the transaction itself is the savepoint.
                        let value = try await batch[0].body(tx)
                        try await audit.flush(on: tx)
                        results.withLockedValue { $0.append(.success(value)) }
                        return
                    }
                    let sql = tx as! any SQLDatabase
                    for job in batch {
                        let mark = audit.count
                        try await sql.raw("SAVEPOINT yiwei_write").run()
                        do {
                            let value = try await job.body(tx)
                            try await sql.raw("RELEASE SAVEPOINT yiwei_write").run()
                            results.withLockedValue { $0.append(.success(value)) }
                        } catch {
                            try await sql.raw("ROLLBACK TO SAVEPOINT yiwei_write").run()
                            try await sql.raw("RELEASE SAVEPOINT yiwei_write").run()
                            audit.truncate(to: mark)
                            results.withLockedValue { $0.append(.failure(error)) }
                        }
                    }
                    // The group's audit rows, chained in the order of its writes, committed with them.
                    try await audit.flush(on: tx)
                }
            }
        } catch {
            // The transaction failed as a whole (or the only write in it failed): nothing of it was committed.
            if batch.contains(where: \.affectsReference) { reference.invalidate() }
            for job in batch { job.continuation.resume(throwing: error) }
            return
        }
        if batch.contains(where: \.affectsReference) { reference.invalidate() }
        for (job, result) in zip(batch, results.withLockedValue { $0 }) { job.continuation.resume(with: result) }
    }
}
