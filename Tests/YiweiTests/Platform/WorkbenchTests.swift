import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// The home page is each role's workbench (SD-8, ANA-1): what the user opens Yiwei for, by permission.
@Suite("Home workbench per role")
struct WorkbenchTests {
    func home(_ env: TestEnv, _ username: String, _ password: String = "Test#Pass2026") async throws -> String {
        let b = Browser(env)
        _ = try await b.signIn(username, password)
        let res = try await b.get("/")
        #expect(res.status == .ok, "\(username)'s home: \(res.status)")
        return res.body.string
    }

    @Test("each role's panels, with the figures computed from the tickets")
    func panels() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            // Two reports: one assigned to the engineer and due first, one unassigned; the engineer pends the first on a vendor.
            let mine = try await h.report(title: "门诊收费打印机卡纸")
            _ = try await h.act(mine, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            _ = try await h.report(title: "住院部网络中断", extra: ["categoryId": ""])
            _ = try await h.act(mine, h.engineer.token, ["action": "pend", "reason": "等待硒鼓到货", "waitOn": "vendor"])

            let engineer = try await home(env, "liming")
            #expect(engineer.contains("我的待办") && engineer.contains("门诊收费打印机卡纸"))
            #expect(!engineer.contains("待我审批与风险") && !engineer.contains("系统状态") && !engineer.contains("服务台</h2>"))

            let desk = try await home(env, "desk")
            #expect(desk.contains("服务台") && desk.contains("今日报修") && desk.contains("住院部网络中断"), "the unassigned report is listed")
            #expect(desk.contains(#"<strong>2</strong><span>今日报修</span>"#), "two reports today")

            let lead = try await home(env, "zuzhang")
            #expect(lead.contains("待我审批与风险") && lead.contains("挂起待批准（等待厂商或备件）") && lead.contains("门诊收费打印机卡纸"))
            #expect(lead.contains("月度指标") && lead.contains(#"<strong>2</strong><span>本月报修</span>"#))

            let auditor = try await home(env, "shenji")
            #expect(auditor.contains("最近的敏感事件") && !auditor.contains("我的待办"))

            let admin = try await home(env, "admin", adminPassword)
            #expect(admin.contains("系统状态") && admin.contains("数据库连接") && admin.contains("消息推送"))
            // The checks read in Chinese on the page (the command line keeps its bilingual names).
            let migrations = YiweiMigrations.all.count
            #expect(admin.contains("已执行 \(migrations) / \(migrations) 项迁移") && admin.contains("待发送 0 条，已放弃 0 条"))
            #expect(!admin.contains("database connection") && !admin.contains("migrations applied"))
            #expect(!admin.contains("我的待办") && !admin.contains("最近的敏感事件"))

            let security = try await home(env, "security", securityPassword)
            #expect(security.contains("账号安全") && security.contains("锁定中的账号") && security.contains("审计员"), "administrators are listed with their roles")
        }
    }

    @Test("a reporter lands on the portal; a vendor's engineer on their tickets")
    func reporterAndVendor() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let nurse = Browser(env)
            _ = try await nurse.signIn("hushi", "Test#Pass2026")
            let res = try await nurse.get("/")
            #expect(res.status == .seeOther && res.headers.first(name: .location) == "/portal")
            let t = try await h.report(title: "PACS 工作站黑屏")
            _ = try await h.act(t, h.lead.token, ["action": "assign", "teamId": h.vendorTeam.uuidString, "assigneeId": h.vendorEngineer.id.uuidString])
            let vendor = try await home(env, "vendor1")
            #expect(vendor.contains("我的待办") && vendor.contains("PACS 工作站黑屏"))
        }
    }
}
