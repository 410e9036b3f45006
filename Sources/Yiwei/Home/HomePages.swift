import Fluent
import Vapor
import YiweiCore

/// The start page after sign-in: what each role opens Yiwei for (`Workbench`), who I am, and for those who
/// keep the settings the size of the organisation. A reporter's start page is the portal (报修、进度、评价).
struct HomePage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    struct Tile: Encodable {
        var label: String
        var count: Int
        var href: String
    }

    struct Context: Encodable {
        var page: PageBase
        var greeting: String
        var tiles: [Tile]
        var department: String?
        var vendor: String?
        var lastLogin: String
        var roles: String
        var panels: [Workbench.Panel]
    }

    /// Someone who only reports (a nurse, a doctor, an administrative clerk) has nothing here the portal lacks.
    static func onlyReports(_ user: CurrentUser) -> Bool {
        user.can(.reportTickets) && !user.can(.workTickets) && !user.can(.viewSettingsPages) && !user.can(.readAudit)
    }

    func home(req: Request) async throws -> Response {
        let me = try req.requireUser()
        if Self.onlyReports(me) {
            // A message for the page after a form ("密码已修改") goes on to the portal.
            if let flash = req.storage[FlashKey.self] { return req.redirect(to: "/portal", flash: flash) }
            return req.redirect(to: "/portal")
        }
        let base = try await PageBase.make(for: req, titleKey: "home_title")
        let t = base.t
        var tiles: [Tile] = []
        if me.can(.viewSettingsPages) {
            tiles = [
                Tile(label: t[text: "nav_campuses"], count: try await Campus.query(on: req.db).filter(\.$isActive == true).count(), href: "/admin/campuses"),
                Tile(label: t[text: "nav_departments"], count: try await Department.query(on: req.db).filter(\.$isActive == true).count(), href: "/admin/departments"),
                Tile(label: t[text: "nav_teams"], count: try await Team.query(on: req.db).filter(\.$isActive == true).count(), href: "/admin/teams"),
                Tile(label: t[text: "nav_vendors"], count: try await Vendor.query(on: req.db).filter(\.$isActive == true).count(), href: "/admin/vendors"),
                Tile(label: t[text: "nav_systems"], count: try await BusinessSystem.query(on: req.db).filter(\.$isActive == true).count(), href: "/admin/systems"),
            ]
            if me.can(.readUsers) {
                tiles.append(Tile(label: t[text: "nav_users"], count: try await User.query(on: req.db).filter(\.$isActive == true).count(), href: "/admin/users"))
            }
        }
        let user = try await User.find(me.id, on: req.db)
        let department = try await me.departmentId.asyncMap { try await Department.find($0, on: req.db)?.name } ?? nil
        let vendor = try await me.vendorId.asyncMap { try await Vendor.find($0, on: req.db)?.name } ?? nil
        let hour = Calendar.current.dateComponents(in: req.yiwei.config.timeZone, from: req.now).hour ?? 9
        let greetingKey = hour < 5 ? "greeting_night" : hour < 11 ? "greeting_morning" : (hour < 13 ? "greeting_noon" : (hour < 18 ? "greeting_afternoon" : "greeting_evening"))
        let panels = try await Workbench.panels(for: me, req: req, t: t)
        return try await req.view.render("home", Context(
            page: base, greeting: t[text: greetingKey].replacingOccurrences(of: "{name}", with: me.displayName), tiles: tiles,
            department: department, vendor: vendor, lastLogin: user?.previousLoginAt.map { DisplayTime.format($0, req) } ?? t[text: "home_first_login"],
            roles: base.user?.roleNames ?? "", panels: panels)).encodeResponse(for: req)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): return try await transform(value)
        case .none: return nil
        }
    }
}
