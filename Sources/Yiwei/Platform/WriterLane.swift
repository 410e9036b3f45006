import Fluent
import FluentSQLiteDriver
import NIOCore
import NIOPosix
import Vapor

/// The writer's own lane (SQLite): a connection of its own, on an event loop and an SQLite thread that no request uses.
///
/// Every write takes its turn in `WriteGate`, and a group commit is a chain of about ten statements, each a trip to
/// SQLite's thread and back. Through the application's pool each trip came back on an event loop busy parsing and
/// answering requests and then waited for one of the shared task threads — under 64 connections about two thirds of
/// a group's time went to that waiting, and every report in the group waited with it. In the lane the chain runs on
/// an event loop of its own (the gate's task prefers it as its executor, `EventLoopTaskExecutor`) against a
/// connection whose SQLite calls run on a thread of its own. Reads stay on the application's pool; in WAL mode they
/// never wait for the writer, and they see a group once it has committed, before anyone in it is answered.
final class WriterLane: Sendable {
    /// The lane's connection, as Fluent sees it (one connection: writes take turns anyway).
    let database: any Database
    /// Runs the gate's task on the lane's event loop.
    let executor: EventLoopTaskExecutor
    private let databases: Databases
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool

    /// The lane for the SQLite file at `path`; its connection opens on first use (`prepare` opens it).
    init(path: String, logger: Logger) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: group)
        databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
        let loop = group.next()
        database = databases.database(.sqlite, logger: logger, on: loop)!
        executor = EventLoopTaskExecutor(loop)
    }

    /// Opens the connection and gives it the settings every SQLite connection gets (`SQLiteSettings`).
    func prepare() async throws {
        let sql = database.sql
        for pragma in SQLiteSettings.connectionPragmas { _ = try await sql.raw("\(unsafeRaw: pragma)").all() }
    }

    /// Closes the connection, then stops the lane's threads.
    func shutdown() async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
    }

    /// At the application's shutdown: the gate stops taking writes and finishes those under way, then the lane closes
    /// (a write arriving in between is answered 503, never left waiting on a closed connection).
    struct Shutdown: LifecycleHandler {
        let lane: WriterLane
        func shutdownAsync(_ application: Application) async {
            await application.yiwei.writeGate.close()
            await lane.shutdown()
        }
    }
}

/// A task executor on one NIO event loop: a task that prefers it runs its nonisolated code on that loop's thread,
/// and comes back there when a database future it waits for completes.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
