import Foundation
import YiweiCore

/// Every setting of Yiwei, read once at start from `YIWEI_*` environment variables and command-line
/// flags (flags win). A bad value stops the start with a message naming the variable.
public struct AppConfig: Sendable {
    public enum DatabaseChoice: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public var host: String = "0.0.0.0"
    public var port: Int = 8080
    /// The external (extranet, 外网) listener: only public, published knowledge articles (KB-3). nil: none.
    public var externalPort: Int?
    public var dataDirectory: String = "./data"
    public var database: DatabaseChoice = .sqlite(path: "./data/yiwei.sqlite")
    /// Overrides where templates (`Views/`) and static files (`Public/`) are found.
    public var resourcesDirectory: String?
    public var adminPassword: String?
    /// `YIWEI_SECURITY_PASSWORD`: the built-in security administrator's first password.
    public var securityPassword: String?
    public var demo: Bool = false
    public var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!
    public var defaultLocale: String = "zh-CN"
    /// The security policy until the security administrator saves one (`GET/PATCH /api/v1/security/settings`).
    public var security = SecuritySettings()
    public var tokenLifetimeDays: Int = 90
    public var bcryptCost: Int = 12
    public var secureCookies: Bool = false
    /// Swift tasks on the server's event loops (`TaskThreads`; `YIWEI_NIO_EXECUTOR`).
    public var tasksOnEventLoops: Bool = true
    public var maxBodyBytes: Int = 1_048_576
    public var logLevel: String = "notice"
    /// `json` (one object per line, with the request id) or `text`.
    public var logFormat: String = "json"
    /// When set, `/metrics` answers only scrapers that present it as a bearer token.
    public var metricsToken: String?
    /// Without a token, `/metrics` is off (404) unless this opts in to serving loopback clients that came
    /// through no proxy — for a server with no reverse proxy on the same host.
    public var metricsOpen: Bool = false
    /// Proxies whose `X-Forwarded-For` is believed (canonical addresses, `ClientAddress`); none by default.
    public var trustedProxies: Set<String> = []
    /// Failed sign-ins one client address may make within `loginAddressMinutes` before it is refused (429).
    public var loginAddressLimit: Int = 20
    public var loginAddressMinutes: Int = 15
    /// Requests per minute one client address may make to the external listener.
    public var externalRequestsPerMinute: Int = 120

    public init() {}

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the environment, then removes the flags it knows (`--port`, `--data-dir`, `--demo`,
    /// `--database-url`, `--host`) from `arguments`, returning the rest for the command parser.
    public static func load(environment: [String: String], arguments: [String]) throws -> (AppConfig, [String]) {
        var config = AppConfig()
        var env = environment
        var rest: [String] = []
        var index = 0
        let flagNames = ["--port": "YIWEI_PORT", "--data-dir": "YIWEI_DATA_DIR", "--database-url": "YIWEI_DATABASE_URL",
                         "--host": "YIWEI_HOST", "--hostname": "YIWEI_HOST", "--resources-dir": "YIWEI_RESOURCES_DIR",
                         "--external-port": "YIWEI_EXTERNAL_PORT"]
        while index < arguments.count {
            let arg = arguments[index]
            if arg == "--demo" {
                env["YIWEI_DEMO"] = "1"
            } else if let name = flagNames[arg] {
                guard index + 1 < arguments.count else { throw Invalid(description: "\(arg) needs a value") }
                env[name] = arguments[index + 1]
                index += 1
            } else if let eq = arg.firstIndex(of: "="), let name = flagNames[String(arg[..<eq])] {
                env[name] = String(arg[arg.index(after: eq)...])
            } else {
                rest.append(arg)
            }
            index += 1
        }

        func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = env[name], !raw.isEmpty else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw Invalid(description: "\(name)=\(raw): expected a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return value
        }
        func bool(_ name: String) throws -> Bool? {
            guard let raw = env[name]?.lowercased(), !raw.isEmpty else { return nil }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw Invalid(description: "\(name)=\(raw): expected true or false")
            }
        }

        if let host = env["YIWEI_HOST"], !host.isEmpty { config.host = host }
        if let port = try int("YIWEI_PORT", 1...65535) { config.port = port }
        if let port = try int("YIWEI_EXTERNAL_PORT", 1...65535) {
            guard port != config.port else { throw Invalid(description: "YIWEI_EXTERNAL_PORT=\(port): must differ from the internal port") }
            config.externalPort = port
        }
        if let dir = env["YIWEI_DATA_DIR"], !dir.isEmpty { config.dataDirectory = dir }
        config.dataDirectory = URL(fileURLWithPath: config.dataDirectory).standardizedFileURL.path
        config.database = .sqlite(path: config.dataDirectory + "/yiwei.sqlite")
        if let url = env["YIWEI_DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                config.database = .postgres(url: url)
            } else if url.hasPrefix("sqlite://") {
                let path = String(url.dropFirst("sqlite://".count))
                guard !path.isEmpty else { throw Invalid(description: "YIWEI_DATABASE_URL=\(url): no file path") }
                config.database = .sqlite(path: path)
            } else {
                throw Invalid(description: "YIWEI_DATABASE_URL=\(url): expected sqlite:///path/file.sqlite or postgres://…")
            }
        }
        if let dir = env["YIWEI_RESOURCES_DIR"], !dir.isEmpty { config.resourcesDirectory = dir }
        if let password = env["YIWEI_ADMIN_PASSWORD"], !password.isEmpty { config.adminPassword = password }
        if let password = env["YIWEI_SECURITY_PASSWORD"], !password.isEmpty { config.securityPassword = password }
        if let demo = try bool("YIWEI_DEMO") { config.demo = demo }
        if let zone = env["YIWEI_TIME_ZONE"], !zone.isEmpty {
            guard let tz = TimeZone(identifier: zone) else { throw Invalid(description: "YIWEI_TIME_ZONE=\(zone): unknown time zone") }
            config.timeZone = tz
        }
        if let locale = env["YIWEI_LOCALE"], !locale.isEmpty {
            guard ["zh-CN", "en"].contains(locale) else { throw Invalid(description: "YIWEI_LOCALE=\(locale): expected zh-CN or en") }
            config.defaultLocale = locale
        }
        if let minutes = try int("YIWEI_SESSION_IDLE_MINUTES", SecuritySettings.range(of: "idleTimeoutMinutes")) { config.security.idleTimeoutMinutes = minutes }
        if let days = try int("YIWEI_TOKEN_LIFETIME_DAYS", 1...3650) { config.tokenLifetimeDays = days }
        if let threshold = try int("YIWEI_LOCKOUT_THRESHOLD", SecuritySettings.range(of: "lockoutThreshold")) { config.security.lockoutThreshold = threshold }
        if let minutes = try int("YIWEI_LOCKOUT_MINUTES", SecuritySettings.range(of: "lockoutMinutes")) { config.security.lockoutMinutes = minutes }
        if let length = try int("YIWEI_PASSWORD_MIN_LENGTH", SecuritySettings.range(of: "passwordMinLength")) { config.security.passwordMinLength = length }
        if let cost = try int("YIWEI_BCRYPT_COST", 4...16) { config.bcryptCost = cost }
        if let secure = try bool("YIWEI_SECURE_COOKIES") { config.secureCookies = secure }
        if let onLoops = try bool("YIWEI_NIO_EXECUTOR") { config.tasksOnEventLoops = onLoops }
        if let bytes = try int("YIWEI_MAX_BODY_BYTES", 1024...1_073_741_824) { config.maxBodyBytes = bytes }
        if let level = env["YIWEI_LOG_LEVEL"], !level.isEmpty {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                throw Invalid(description: "YIWEI_LOG_LEVEL=\(level): expected trace, debug, info, notice, warning, error or critical")
            }
            config.logLevel = level
        }
        if let format = env["YIWEI_LOG_FORMAT"], !format.isEmpty {
            guard ["json", "text"].contains(format) else { throw Invalid(description: "YIWEI_LOG_FORMAT=\(format): expected json or text") }
            config.logFormat = format
        }
        if let token = env["YIWEI_METRICS_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else { throw Invalid(description: "YIWEI_METRICS_TOKEN: at least 16 characters") }
            config.metricsToken = token
        }
        if let open = try bool("YIWEI_METRICS_OPEN") {
            // Both would leave it unclear whether loopback clients need the token.
            guard !open || config.metricsToken == nil else {
                throw Invalid(description: "YIWEI_METRICS_OPEN=true and YIWEI_METRICS_TOKEN: set one of them, not both")
            }
            config.metricsOpen = open
        }
        if let raw = env["YIWEI_TRUSTED_PROXIES"], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
                guard let address = ClientAddress.canonical(item) else {
                    throw Invalid(description: "YIWEI_TRUSTED_PROXIES=\(raw): \"\(item.trimmingCharacters(in: .whitespaces))\" is not an IP address (list addresses, separated by commas)")
                }
                config.trustedProxies.insert(address)
            }
        }
        if let limit = try int("YIWEI_LOGIN_ADDRESS_LIMIT", 1...10_000) { config.loginAddressLimit = limit }
        if let minutes = try int("YIWEI_LOGIN_ADDRESS_MINUTES", 1...1440) { config.loginAddressMinutes = minutes }
        if let limit = try int("YIWEI_EXTERNAL_RATE_LIMIT", 1...100_000) { config.externalRequestsPerMinute = limit }
        return (config, rest)
    }
}
