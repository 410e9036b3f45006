import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import LeafKit
import SQLKit
import Vapor

/// Sets up Yiwei on an application: database, migrations, middleware, templates, routes, commands.
public func configure(_ app: Application, config: AppConfig, clock: AppClock = AppClock(), databaseSchema: String? = nil) async throws {
    let resources = try ResourcePaths.locate(configured: config.resourcesDirectory)
    let kind: DatabaseKind
    var lane: WriterLane?
    switch config.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
        kind = .sqlite
        let writer = WriterLane(path: path, logger: app.logger)
        app.lifecycle.use(WriterLane.Shutdown(lane: writer))
        lane = writer
    case .postgres(let url):
        var pg = try SQLPostgresConfiguration(url: url)
        if let databaseSchema { pg.searchPath = [databaseSchema] }
        // Four connections per event loop: a request waiting on the network for one query does not hold up the
        // others of its loop (writes still take turns, `WriteGate`).
        app.databases.use(.postgres(configuration: pg, maxConnectionsPerEventLoop: DatabasePool.postgresConnectionsPerLoop, sqlLogLevel: .debug), as: .psql)
        kind = .postgres
    }
    app.yiwei = YiweiServices(config: config, clock: clock, writeGate: WriteGate(lane: lane), databaseKind: kind,
                              resources: resources, i18n: try I18n(directory: resources.locales))

    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodyBytes)
    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    // Outgoing calls (group robots) give up rather than hang: a dead robot must not pile up deliveries.
    app.http.client.configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))

    app.leaf.configuration.rootDirectory = resources.views
    // The default limits refuse any path with a hidden folder in it, and SwiftPM builds into `.build/`.
    app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                  sandboxDirectory: resources.views, viewDirectory: resources.views))
    app.views.use(.leaf)

    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware(metrics: app.metrics))
    app.middleware.use(YiweiErrorMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ExternalGuardMiddleware())
    app.middleware.use(MultipartGuardMiddleware())
    app.middleware.use(StaticFilesMiddleware(publicDirectory: resources.publicFiles))
    app.middleware.use(WebMiddleware())
    app.middleware.use(AuthMiddleware())

    app.migrations.add(YiweiMigrations.all)
    try await prepareDatabase(app, schema: databaseSchema)
    try routes(app)
    registerCommands(app)
}

/// Engine settings, then every pending migration. Runs on every start, so an upgrade needs no extra step.
func prepareDatabase(_ app: Application, schema: String?) async throws {
    let sql = app.db.sql
    switch app.yiwei.databaseKind {
    case .sqlite:
        // WAL is stored in the file; the rest belongs to each connection (one per event loop): commits wait for
        // the write-ahead log, not the disk (docs/database.md); 8 MiB of page cache, so a group of tickets'
        // index pages stays in memory until its commit; savepoints' undo in memory, not a temporary file; and
        // the log folded back into the database every ~40 MB instead of every 4 MB (each time with a sync).
        _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
        for loop in app.eventLoopGroup.makeIterator() {
            let db = app.databases.database(.sqlite, logger: app.logger, on: loop)! as! any SQLDatabase
            for pragma in SQLiteSettings.connectionPragmas { _ = try await db.raw("\(unsafeRaw: pragma)").all() }
        }
        try await app.yiwei.writeGate.lane?.prepare()
    case .postgres:
        if let schema {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
    }
    try await app.autoMigrate()
}

/// The settings of every SQLite connection (see `prepareDatabase`).
enum SQLiteSettings {
    static let connectionPragmas = ["PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-8192", "PRAGMA temp_store=MEMORY",
                                    "PRAGMA wal_autocheckpoint=10000"]
}

/// The connection pools' shape (one pool per event loop).
enum DatabasePool {
    static let sqliteConnectionsPerLoop = 1
    static let postgresConnectionsPerLoop = 4
}
