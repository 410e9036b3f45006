import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Sign-in: where `next` may lead")
struct LoginRedirectTests {
    /// Values that a browser would follow to another site (it drops tabs and line breaks, reads `\` as `/`),
    /// or that are not paths at all.
    static let evil = ["/\t/evil.example/phish", "/\n/evil.example/", "/\r\n/evil.example/", "//evil.example/", "/\\evil.example/",
                       "\\\\evil.example/", "/\\/evil.example/", "/ok/\\..\\evil", "/x\u{0}", "/\u{7F}/evil.example/", "/\u{85}/evil.example/",
                       "/tickets\r\nSet-Cookie: yiwei_session=x", "https://evil.example/", "evil.example/", " /tickets", "", "\t/tickets"]

    @Test("only a path with a single leading / and no control character or backslash is kept")
    func rule() {
        for value in Self.evil {
            #expect(AccountPages.safeNext(value) == "/", "\(value.debugDescription)")
        }
        #expect(AccountPages.safeNext(nil) == "/")
        for value in ["/", "/tickets/IT-20261118-0001", "/kb?q=打印机&page=2", "/desk#queue", "/a/b%2F%2Fc"] {
            #expect(AccountPages.safeNext(value) == value)
        }
    }

    @Test("POST /login with an evil next redirects to /; a plain path is followed")
    func signIn() async throws {
        try await withYiwei { env in
            for next in ["/\t/evil.example/phish", "/\\evil.example/", "/\n/evil.example/", "//evil.example/"] {
                let browser = Browser(env)
                try await browser.get("/login")
                let res = try await browser.post("/login", [("username", "admin"), ("password", adminPassword), ("next", next)])
                #expect(res.status == .seeOther || res.status.code / 100 == 3, "\(next.debugDescription)")
                #expect(res.headers.first(name: .location) == "/", "\(next.debugDescription)")
            }
            let browser = Browser(env)
            try await browser.get("/login")
            let res = try await browser.post("/login", [("username", "admin"), ("password", adminPassword), ("next", "/kb?q=vpn")])
            #expect(res.headers.first(name: .location) == "/kb?q=vpn")
        }
    }
}
