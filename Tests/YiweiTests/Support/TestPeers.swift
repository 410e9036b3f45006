import Foundation
import NIOCore
import Testing
import VaporTesting
@testable import Yiwei

extension TestEnv {
    /// Sends a request as if it came over a connection from `peer` — the in-memory tester gives requests no
    /// peer address — through the application's whole middleware chain and router. Repeated header names
    /// in `headers` are all sent (several `X-Forwarded-For` lines).
    func send(from peer: String, _ method: HTTPMethod, _ path: String, json: (any Encodable & Sendable)? = nil,
              raw: String? = nil, contentType: String = "application/json", headers extra: [(String, String)] = []) async throws -> Response {
        var headers = HTTPHeaders()
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(data: try JSONEncoder().encode(json))
            headers.contentType = .json
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers.replaceOrAdd(name: .contentType, value: contentType)
        }
        if let body { headers.replaceOrAdd(name: .contentLength, value: String(body.readableBytes)) }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let request = Request(application: app, method: method, url: URI(string: path), headers: headers, collectedBody: body,
                              remoteAddress: try SocketAddress(ipAddress: peer, port: 50_000), logger: app.logger,
                              on: app.eventLoopGroup.next())
        return try await app.responder.respond(to: request).get()
    }
}

extension Response {
    /// The `error.code` of an error response.
    var errorCode: String? { try? content.decode(ErrorBody.self).error.code }
}
