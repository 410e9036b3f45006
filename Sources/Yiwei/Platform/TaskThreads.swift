import NIOCore
import NIOPosix

/// Where Swift concurrency's tasks run in the server process.
public enum TaskThreads {
    /// Runs tasks on the server's event loops instead of a thread pool of their own, so a request's handler, its
    /// database answers and its response no longer pass between two sets of threads (SwiftNIO's documented
    /// option; measured side by side: list API +15–20 %, queue page and creation +5 %). Called first thing in
    /// `main`, before any task starts; `YIWEI_NIO_EXECUTOR=0` keeps Swift's own pool. Nothing in Yiwei blocks a
    /// task on a future (`.wait()`), which this would forbid; bcrypt runs on the thread pool as before.
    public static func runOnEventLoops(environment: [String: String]) {
        guard environment["YIWEI_NIO_EXECUTOR"] != "0" else { return }
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
