import Fluent
import Foundation
import Vapor
import YiweiCore
import YiweiText

/// QR labels (CMDB-4): a code per location, department, business system or asset that opens the phone
/// report form pre-filled. Drawn on the server by Yiwei's own encoder (YiweiCore/QR), as SVG.
struct QRLabelPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "qr", use: page)
        routes.get("admin", "qr", "label.svg", use: svg)
    }

    struct Context: Encodable {
        var page: PageBase
        var fields: [FormField]
        var url: String?
        var imageHref: String?
        var caption: String?
    }

    /// The portal address a label opens: only known parameters, bounded, so a label never carries anything else.
    static func portalURL(_ req: Request, names: [String: String] = [:]) throws -> (url: String, caption: String)? {
        var items: [URLQueryItem] = [URLQueryItem(name: "via", value: "qr")]
        var caption: [String] = []
        if let location = req.queryParameter("location")?.trimmingCharacters(in: .whitespaces), !location.isEmpty {
            guard location.count <= 100 else { throw AppError.validation(["location": "must be at most 100 characters"]) }
            items.append(URLQueryItem(name: "location", value: location)); caption.append(location)
        }
        for name in ["departmentId", "systemId"] {
            if let raw = req.queryParameter(name), !raw.isEmpty {
                guard UUID(uuidString: raw) != nil else { throw AppError.validation([name: "must be an id"]) }
                items.append(URLQueryItem(name: name, value: raw))
                if let label = names[raw.uppercased()] { caption.append(label) }
            }
        }
        if let domain = req.queryParameter("domain"), !domain.isEmpty {
            guard ServiceDomain(rawValue: domain) != nil else { throw AppError.validation(["domain": "must be one of it, logistics, equipment"]) }
            items.append(URLQueryItem(name: "domain", value: domain))
        }
        if let asset = req.queryParameter("asset")?.trimmingCharacters(in: .whitespaces), !asset.isEmpty {
            guard asset.count <= 64 else { throw AppError.validation(["asset": "must be at most 64 characters"]) }
            items.append(URLQueryItem(name: "asset", value: asset)); caption.append(asset)
        }
        guard items.count > 1 else { return nil }
        var c = URLComponents()
        c.path = "/portal/new"
        c.queryItems = items
        let scheme = req.headers.first(name: "X-Forwarded-Proto") == "https" ? "https" : "http"
        let host = req.headers.first(name: .host) ?? "127.0.0.1:\(req.yiwei.config.port)"
        return (scheme + "://" + host + (c.string ?? "/portal/new"), caption.joined(separator: " · "))
    }

    func page(req: Request) async throws -> View {
        try req.require(.manageOrganisation)
        let base = try await PageBase.make(for: req, titleKey: "qr_title")
        let t = base.t, labels = TicketLabels(t: t)
        let lookups = try await req.reference().lookups
        let systems = try await BusinessSystem.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        func value(_ name: String) -> String { req.queryParameter(name) ?? "" }
        let fields = [
            FormField(name: "location", label: t[text: "qr_location"], kind: .text, value: value("location"), maxLength: 100, help: t["help_location"]),
            FormField(name: "departmentId", label: t[text: "qr_department"], kind: .select,
                      options: FormField.options(lookups.departments.map { ($0.0.uuidString, $0.1) }, selected: [value("departmentId")], allowEmpty: t[text: "choose_none"])),
            FormField(name: "domain", label: t[text: "ticket_domain"], kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [value("domain")], allowEmpty: t[text: "choose_none"])),
            FormField(name: "systemId", label: t[text: "qr_system"], kind: .select,
                      options: FormField.options(systems, selected: [value("systemId")], allowEmpty: t[text: "choose_none"])),
            FormField(name: "asset", label: t[text: "qr_asset"], kind: .text, value: value("asset"), maxLength: 64),
        ]
        var names: [String: String] = [:]
        for (id, name) in lookups.departments { names[id.uuidString] = name }
        for (id, name) in systems { names[id] = name }
        let target = try Self.portalURL(req, names: names)
        let query = URLComponents(string: req.url.string)?.percentEncodedQuery ?? ""
        return try await req.view.render("admin/qr", Context(page: base, fields: fields, url: target?.url,
                                                             imageHref: target == nil ? nil : "/admin/qr/label.svg?" + query, caption: target?.caption))
    }

    func svg(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        guard let target = try Self.portalURL(req) else { throw AppError.validation(["location": "give a location, department, system or asset"]) }
        let code = try QRCode(text: target.url, correction: .medium)
        let response = Response(status: .ok, body: .init(string: code.svg(moduleSize: 8, quietZone: 4)))
        response.headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=300")
        return response
    }
}
