import Foundation
import Vapor
import Yiwei
import YiweiText

/// What the benchmark executables (Benchmarks/) share: a temporary application on a fresh SQLite database
/// with the clock frozen at the benchmarks' instant, a timer, percentiles and the result table.
public enum BenchmarkSupport {
    /// Wed 2026-11-18 19:06:40 in Shanghai: the instant every benchmark's data is generated around.
    public static let now = Date(timeIntervalSince1970: 1_795_000_000)

    /// A configured application (migrated, admin created) on a new SQLite file in a temporary folder;
    /// the caller shuts the application down and removes the folder.
    public static func makeApp(_ name: String) async throws -> (app: Application, directory: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yiwei-\(name)-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var config = AppConfig()
        config.dataDirectory = dir
        config.database = .sqlite(path: dir + "/yiwei.sqlite")
        config.adminPassword = "Bench#Root2026x"
        config.logLevel = "error"
        config.bcryptCost = 4
        let app = try await Application.make(.production)
        let clock = AppClock()
        clock.set(now)
        app.logger.logLevel = .error
        try await configure(app, config: config, clock: clock)
        _ = try await Bootstrap.ensureAdmin(app)
        return (app, dir)
    }

    /// Milliseconds `body` took.
    public nonisolated(nonsending) static func time(_ body: () async throws -> Void) async throws -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000
    }

    /// The `p` quantile (0…1) of `xs`, nearest rank.
    public static func percentile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
    }

    /// Prints the Markdown table docs/PERFORMANCE.md keeps: median, p90 and maximum per case.
    public static func printTable(_ rows: [(String, [Double])]) {
        print("")
        print("| case | median ms | p90 ms | max ms |")
        print("| --- | ---: | ---: | ---: |")
        for (name, xs) in rows {
            print(String(format: "| %@ | %.2f | %.2f | %.2f |", name, percentile(xs, 0.5), percentile(xs, 0.9), xs.max() ?? 0))
        }
    }
}
