import Foundation
import Vapor

/// Live updates of the dashboard (ANA-1): one watcher per process polls a cheap database fingerprint
/// (`DashboardService.fingerprint`) about once a second while someone watches, and tells every open
/// stream when it changed. Because the fingerprint is read from the database, changes made by another
/// instance behind the load balancer, by the SLA scheduler or by an import are seen like local ones.
/// The figures are computed once per change and shared by all streams.
actor DashboardHub {
    enum Signal: Sendable, Equatable {
        /// The figures changed (or the stream just opened): render and send them.
        case changed
        /// About a second passed without a change (streams count these for their keep-alive comments).
        case tick
    }

    private struct Subscriber {
        let userId: UUID
        let opened: Int
        let continuation: AsyncStream<Signal>.Continuation
    }

    /// Streams one user may hold at once (a wall screen, a desk, a phone, a spare tab). A further one
    /// closes that user's oldest, so a reloaded page never locks its user out.
    let maxStreamsPerUser: Int
    /// Streams one process serves at once; beyond, new ones are refused with 503 and the page falls back to reloading.
    let maxStreams: Int
    let interval: Duration

    private let source: @Sendable () async throws -> String
    private var subscribers: [UUID: Subscriber] = [:]
    private var opened = 0
    private var poller: Task<Void, Never>?
    private var fingerprint: String?
    private var stopped = false
    /// Bumped on every observed change; the figures are cached for one version.
    private(set) var version = 0
    private var cache: (version: Int, figures: DashboardFigures)?
    private var computing: (version: Int, task: Task<DashboardFigures, any Error>)?

    /// `source` returns the current fingerprint; tests may pass their own.
    init(maxStreamsPerUser: Int = 4, maxStreams: Int = 200, interval: Duration = .seconds(1),
         source: @escaping @Sendable () async throws -> String) {
        self.maxStreamsPerUser = maxStreamsPerUser
        self.maxStreams = maxStreams
        self.interval = interval
        self.source = source
    }

    var streamCount: Int { subscribers.count }

    /// Opens a stream for `userId`. The stream is woken at once and then about every interval; each time it
    /// compares `version` with the version it last sent and sends the figures when they differ (so a wake-up
    /// lost to a slow client loses nothing). nil once the hub has shut down or the process is full.
    func subscribe(userId: UUID) async -> (id: UUID, signals: AsyncStream<Signal>)? {
        guard !stopped else { return nil }
        if poller == nil {
            // Nobody was watching: forget what was cached and note the fingerprint before the first figures.
            cache = nil
            fingerprint = nil
            poller = Task { [weak self] in await self?.poll() }
            await check()
        }
        let mine = subscribers.filter { $0.value.userId == userId }.sorted { $0.value.opened < $1.value.opened }
        if mine.count >= maxStreamsPerUser, let oldest = mine.first {
            oldest.value.continuation.finish()
            subscribers[oldest.key] = nil
        }
        guard !stopped, subscribers.count < maxStreams else { return nil }
        let id = UUID()
        let (stream, continuation) = AsyncStream<Signal>.makeStream(bufferingPolicy: .bufferingNewest(8))
        opened += 1
        subscribers[id] = Subscriber(userId: userId, opened: opened, continuation: continuation)
        continuation.yield(.changed)
        return (id, stream)
    }

    /// Called when a stream ends (its client went away, or it was closed): stops polling when nobody is left.
    func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.continuation.finish()
        if subscribers.isEmpty {
            poller?.cancel()
            poller = nil
            fingerprint = nil
            cache = nil
        }
    }

    /// Ends every stream and refuses new ones: the server can then close its connections at once.
    func shutdown() {
        stopped = true
        poller?.cancel()
        poller = nil
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers.removeAll()
    }

    /// One comparison of the fingerprint; true when it changed since the last look (the first look only records it).
    @discardableResult
    func check() async -> Bool {
        guard let current = try? await source() else { return false }
        defer { fingerprint = current }
        guard let previous = fingerprint, previous != current else { return false }
        version += 1
        return true
    }

    private func poll() async {
        while !Task.isCancelled && !stopped {
            try? await Task.sleep(for: interval)
            if Task.isCancelled || stopped { break }
            let changed = await check()
            for subscriber in subscribers.values { subscriber.continuation.yield(changed ? .changed : .tick) }
        }
    }

    /// The figures of the current version, computed once however many streams ask.
    func figures(_ compute: @escaping @Sendable () async throws -> DashboardFigures) async throws -> DashboardFigures {
        let wanted = version
        if let cache, cache.version == wanted { return cache.figures }
        if let computing, computing.version == wanted { return try await computing.task.value }
        let task = Task { try await compute() }
        computing = (wanted, task)
        let figures = try await task.value
        if computing?.version == wanted { computing = nil }
        if wanted >= (cache?.version ?? -1) { cache = (wanted, figures) }
        return figures
    }
}

extension Application {
    private struct DashboardHubKey: StorageKey { typealias Value = DashboardHub }

    /// The process's dashboard watcher, set up with the dashboard's routes (`DashboardPages(app:)`).
    var dashboardHub: DashboardHub? { storage[DashboardHubKey.self] }

    func installDashboardHub() -> DashboardHub {
        if let hub = storage[DashboardHubKey.self] { return hub }
        let app = self
        let hub = DashboardHub {
            try await DashboardService.fingerprint(now: app.yiwei.clock.now(), timeZone: app.yiwei.config.timeZone, on: app.db)
        }
        storage[DashboardHubKey.self] = hub
        lifecycle.use(DashboardHubLifecycle(hub: hub))
        return hub
    }
}

/// Closes the open streams first when the application shuts down, so the HTTP server's graceful
/// shutdown does not wait for them (it would, for its whole timeout).
struct DashboardHubLifecycle: LifecycleHandler {
    let hub: DashboardHub

    func shutdownAsync(_ application: Application) async {
        await hub.shutdown()
        // Give the streams a moment to write their last bytes and end their responses.
        for _ in 0..<20 where await hub.streamCount > 0 { try? await Task.sleep(for: .milliseconds(50)) }
    }
}

/// Server-Sent Events framing.
enum ServerSentEvent {
    /// One event: `event:` name and one `data:` line per line of the payload, then a blank line.
    static func event(_ name: String, data: String) -> String {
        "event: \(name)\n" + data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
    }

    /// A comment line: ignored by EventSource, but keeps proxies from closing an idle connection.
    static let keepAlive = ": keep-alive\n\n"
}
