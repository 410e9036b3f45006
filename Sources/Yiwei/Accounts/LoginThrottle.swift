import Foundation
import Vapor

/// Failed sign-ins per client address (docs/security.md, 「按地址限流」). The per-account lock-out stops
/// guessing one password; this stops one address from trying many accounts, locking them one after another,
/// or making Yiwei hash and audit an endless stream of unknown usernames. In memory, per instance.
struct LoginThrottle {
    let application: Application
    let address: String
    let now: Date

    private var limit: Int { application.yiwei.config.loginAddressLimit }
    private var window: TimeInterval { Double(application.yiwei.config.loginAddressMinutes) * 60 }

    /// Refuses the attempt (429, before any password is looked at) when the address has used up its failures.
    /// The first refusal from an address within the window is audited; the rest are only counted.
    static func check(_ application: Application, address: String, actor: AuditActor, now: Date) async throws -> LoginThrottle {
        let throttle = LoginThrottle(application: application, address: address, now: now)
        guard let wait = application.yiwei.loginFailures.wait(address, limit: throttle.limit, window: throttle.window, now: throttle.now) else {
            return throttle
        }
        application.metrics.loginFailed(reason: "throttled")
        if throttle.firstInWindow("throttled") {
            let limit = throttle.limit, minutes = application.yiwei.config.loginAddressMinutes
            try await application.write(affectsReference: false) { db in
                try await AuditLog.append(on: db, at: now, actor: actor, action: "login.throttled", entityType: "user",
                                          after: ["failures": String(limit), "minutes": String(minutes)])
            }
        }
        let minutes = Int((Double(wait) / 60).rounded(.up))
        throw AppError(.tooManyRequests, .tooManyAttempts,
                       "too many failed sign-ins from this address; try again in \(minutes) minutes", retryAfter: wait)
    }

    /// Counts a failure (401 or 423) against the address. Counted when answered, not when started: successful
    /// sign-ins arriving together from one address (a ward behind one NAT, a benchmark) are never held back.
    func failed(reason: String) {
        application.metrics.loginFailed(reason: reason)
        application.yiwei.loginFailures.record(address, limit: limit, window: window, now: now)
    }

    /// True for the first event of this kind from the address within the window: such events are audited
    /// once per address and window, and counted in /metrics every time.
    func firstInWindow(_ kind: String) -> Bool {
        application.yiwei.loginAuditsByAddress.admit(kind + " " + address, limit: 1, window: window, now: now) == nil
    }
}
