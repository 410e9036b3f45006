import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// SEC-1 as a table: every kind of user against every ticket endpoint, on one IT ticket of the ward's nurse.
@Suite("Ticket visibility: role × endpoint matrix")
struct TicketVisibilityMatrixTests {
    enum Who: String, CaseIterable, Sendable {
        case reporter, colleague, otherWardNurse, itEngineer, logisticsEngineer, vendorEngineer, dispatcher, lead, auditor, admin
    }

    struct Endpoint: Sendable, CustomStringConvertible {
        let method: HTTPMethod
        let path: String       // {t} is the ticket id
        let body: String?
        /// Who gets a success; everyone else gets `denied` (404 for reads: a hidden ticket is not confirmed).
        let allowed: Set<Who>
        let denied: HTTPStatus
        var description: String { "\(method) \(path)" }
    }

    static let readers: Set<Who> = [.reporter, .itEngineer, .dispatcher, .lead, .auditor]
    static let staffReaders: Set<Who> = [.itEngineer, .dispatcher, .lead, .auditor]
    static let endpoints: [Endpoint] = [
        Endpoint(method: .GET, path: "/api/v1/tickets/{t}", body: nil, allowed: readers, denied: .notFound),
        Endpoint(method: .GET, path: "/api/v1/tickets/{t}/timeline", body: nil, allowed: readers, denied: .notFound),
        Endpoint(method: .GET, path: "/api/v1/tickets/{t}/comments", body: nil, allowed: readers, denied: .notFound),
        Endpoint(method: .GET, path: "/api/v1/tickets/{t}/attachments", body: nil, allowed: readers, denied: .notFound),
        Endpoint(method: .GET, path: "/api/v1/tickets/{t}/links", body: nil, allowed: readers, denied: .notFound),
        Endpoint(method: .GET, path: "/api/v1/tickets/{t}/worklogs", body: nil, allowed: staffReaders, denied: .notFound),
        Endpoint(method: .POST, path: "/api/v1/tickets/{t}/comments", body: #"{"body":"请问进展如何？"}"#,
                 allowed: [.reporter, .itEngineer, .dispatcher, .lead], denied: .notFound),
        Endpoint(method: .POST, path: "/api/v1/tickets/{t}/worklogs", body: #"{"minutes":10,"note":"电话指导"}"#,
                 allowed: [.itEngineer, .dispatcher, .lead], denied: .notFound),
        Endpoint(method: .POST, path: "/api/v1/tickets/{t}/actions", body: #"{"action":"reprioritize","priority":"P2","reason":"影响收费"}"#,
                 allowed: [.itEngineer, .dispatcher, .lead], denied: .notFound),
    ]

    @Test("each user gets exactly the access the matrix gives", arguments: endpoints)
    func matrix(_ e: Endpoint) async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let tokens: [Who: String] = [
                .reporter: h.nurse.token, .colleague: h.colleague.token, .otherWardNurse: h.otherNurse.token,
                .itEngineer: h.engineer.token, .logisticsEngineer: h.logisticsEngineer.token, .vendorEngineer: h.vendorEngineer.token,
                .dispatcher: h.dispatcher.token, .lead: h.lead.token, .auditor: h.auditor.token, .admin: h.admin,
            ]
            for who in Who.allCases {
                let res = try await env.send(e.method, e.path.replacingOccurrences(of: "{t}", with: t.id.uuidString), token: tokens[who], raw: e.body)
                if e.allowed.contains(who) {
                    #expect(res.status.code < 300, "\(who) should reach \(e): \(res.status) \(res.body.string)")
                } else {
                    // Those who can see the ticket but may not do this get 403; those who cannot see it, 404.
                    let sees = Self.readers.contains(who)
                    #expect(res.status == (sees ? .forbidden : e.denied), "\(who) on \(e): \(res.status)")
                }
            }
        }
    }
}
