import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

/// Folds SQLite's write-ahead log back into the database file in the background (SQLite only).
///
/// Left to itself, SQLite checkpoints inside the commit that pushes the log past `wal_autocheckpoint` pages: that
/// commit — and every request waiting in its group (`WriteGate`) — then waits while ~40 MB are copied into the
/// database and the disk is synced. Here a connection of its own, on a thread of its own, runs a passive checkpoint
/// twice a second, so the log is copied back in steps beside the writer and commits only append to it (every 100 ms
/// cost more throughput: a page changed by many commits is copied once per checkpoint). A passive checkpoint never
/// blocks readers or the writer, and with nothing new in the log it does nothing (no sync); the connections'
/// `wal_autocheckpoint` stays as the backstop should this one fall behind. What a commit guarantees does not change
/// (docs/database.md): the log is written the same way, only who copies it back differs.
public final class WALCheckpointer: Sendable {
    struct Result: Equatable, Sendable {
        /// Frames in the log, and how many of them are now in the database file.
        var logFrames: Int
        var checkpointed: Int
    }

    private let connection: SQLiteConnection
    private let threadPool: NIOThreadPool
    private let task = NIOLockedValueBox<(repeated: RepeatedTask, loop: any EventLoop)?>(nil)

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool) {
        self.connection = connection
        self.threadPool = threadPool
    }

    /// Opens the checkpointer's connection to the database file (nil on PostgreSQL).
    static func open(_ app: Application) async throws -> WALCheckpointer? {
        guard case .sqlite(let path) = app.yiwei.config.database else { return nil }
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        do {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: app.logger,
                                                             on: app.eventLoopGroup.next())
            return WALCheckpointer(connection: connection, threadPool: pool)
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
    }

    /// Starts checkpointing every `interval` while the server runs; stops and closes at shutdown.
    public static func start(_ app: Application, every interval: TimeAmount = .milliseconds(500)) async throws {
        guard let checkpointer = try await open(app) else { return }
        let logger = app.logger
        let loop = app.eventLoopGroup.next()
        let repeated = loop.scheduleRepeatedAsyncTask(initialDelay: interval, delay: interval) { _ in
            loop.makeFutureWithTask {
                do { try await checkpointer.run() } catch { logger.warning("WAL checkpoint: \(String(reflecting: error))") }
            }
        }
        checkpointer.task.withLockedValue { $0 = (repeated, loop) }
        app.lifecycle.use(Shutdown(checkpointer: checkpointer))
    }

    /// A passive checkpoint now: copies what no reader still needs, syncs, and never waits for anyone.
    @discardableResult
    func run() async throws -> Result {
        let row = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)").first
        return Result(logFrames: (row?.column("log")?.integer).map { Int($0) } ?? 0,
                      checkpointed: (row?.column("checkpointed")?.integer).map { Int($0) } ?? 0)
    }

    func close() async {
        // Stop the timer and wait for a checkpoint already under way, so none reaches a closed connection.
        if let running = task.withLockedValue({ current -> (repeated: RepeatedTask, loop: any EventLoop)? in defer { current = nil }; return current }) {
            let stopped = running.loop.makePromise(of: Void.self)
            running.repeated.cancel(promise: stopped)
            try? await stopped.futureResult.get()
        }
        try? await connection.close()
        try? await threadPool.shutdownGracefully()
    }

    private struct Shutdown: LifecycleHandler {
        let checkpointer: WALCheckpointer
        func shutdownAsync(_ application: Application) async { await checkpointer.close() }
    }
}
