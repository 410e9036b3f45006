// swift-tools-version:6.0
import PackageDescription

/// Zero warnings: a warning in the project's own code fails the build (and with it CI).
let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "Yiwei",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "yiwei", targets: ["yiwei"]),
        .library(name: "Yiwei", targets: ["Yiwei"]),
        .library(name: "YiweiCore", targets: ["YiweiCore"]),
        .library(name: "YiweiText", targets: ["YiweiText"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "YiweiText",
            swiftSettings: strict
        ),
        .target(
            name: "YiweiCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Yiwei",
            dependencies: [
                "YiweiCore",
                "YiweiText",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [
                .copy("Resources/Views"),
                .copy("Resources/Public"),
                .copy("Resources/Locales"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "YiweiDemo",
            dependencies: [
                "Yiwei",
                "YiweiCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "yiwei",
            dependencies: ["Yiwei", "YiweiDemo"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "calendar-bench",
            dependencies: ["YiweiCore"],
            path: "Benchmarks/CalendarBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "scheduler-bench",
            dependencies: ["Yiwei", "YiweiDemo"],
            path: "Benchmarks/SchedulerBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "dashboard-bench",
            dependencies: ["Yiwei", "YiweiDemo"],
            path: "Benchmarks/DashboardBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "kb-bench",
            dependencies: ["Yiwei", "YiweiDemo"],
            path: "Benchmarks/KBBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "report-bench",
            dependencies: ["Yiwei", "YiweiDemo"],
            path: "Benchmarks/ReportBench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "YiweiCoreTests",
            dependencies: ["YiweiCore"],
            exclude: ["Resources"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "YiweiTextTests",
            dependencies: ["YiweiText"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "YiweiTests",
            dependencies: [
                "Yiwei",
                "YiweiDemo",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
