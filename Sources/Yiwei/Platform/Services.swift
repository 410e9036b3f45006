import Foundation
import Vapor
import YiweiCore

/// The process-wide services every feature shares, created once in `configure`.
public struct YiweiServices: Sendable {
    public let config: AppConfig
    public let clock: AppClock
    public let writeGate: WriteGate
    public let databaseKind: DatabaseKind
    public let resources: ResourcePaths
    public let i18n: I18n
    /// The organisation in memory (see `ReferenceCache`).
    let reference = ReferenceCache()
    /// Tokens and sessions already checked (see `CredentialCache`).
    let credentials = CredentialCache()
    /// Failed sign-ins by client address (`AccountService.authenticate`).
    let loginFailures = SlidingWindowLimiter()
    /// Sign-in events audited once per client address and window (`LoginThrottle.firstInWindow`).
    let loginAuditsByAddress = SlidingWindowLimiter()
    /// Requests to the external listener by client address (`ExternalGuardMiddleware`).
    let externalRequests = SlidingWindowLimiter()
}

public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

extension Application {
    private struct ServicesKey: StorageKey {
        typealias Value = YiweiServices
    }

    public var yiwei: YiweiServices {
        get {
            guard let services = storage[ServicesKey.self] else {
                fatalError("configure(_:config:) has not run: Yiwei services are missing")
            }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    var yiwei: YiweiServices { application.yiwei }
    var now: Date { application.yiwei.clock.now() }
}
