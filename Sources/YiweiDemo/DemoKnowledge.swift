import Fluent
import Foundation
import Yiwei
import YiweiCore
import YiweiText

/// The demo hospital's knowledge base: categories by system, department and problem type, and published
/// articles written the way an IT department writes them (现象 / 原因 / 解决方法).
enum DemoKnowledge {
    struct Article {
        var title: String
        var category: String
        var tags: [String]
        var visibility: String
        var body: String
    }

    static let categories: [(name: String, kind: String, children: [String])] = [
        ("HIS 医院信息系统", "system", ["挂号收费", "医生站", "护士站"]),
        ("PACS 影像系统", "system", []),
        ("LIS 检验系统", "system", []),
        ("终端与外设", "problem", ["打印机", "电脑", "扫码枪"]),
        ("网络与账号", "problem", ["网络", "账号密码"]),
        ("门急诊", "department", []),
    ]

    static let articles: [Article] = [
        Article(title: "HIS 登录提示“用户名或密码错误”", category: "账号密码", tags: ["HIS", "登录"], visibility: "public", body: """
            ## 现象
            登录 HIS 时提示“用户名或密码错误”，确认工号无误。

            ## 原因
            1. 大写锁定已打开；2. 密码已过 90 天有效期；3. 连续输错 5 次被锁定 15 分钟。

            ## 解决方法
            - 检查键盘 **Caps Lock** 指示灯；
            - 在登录页点击「忘记密码」，用手机验证码重置；
            - 被锁定时等待 15 分钟，或拨打信息科 8023 解锁。
            """),
        Article(title: "门诊收费票据打印机卡纸、打印空白", category: "打印机", tags: ["打印机", "收费"], visibility: "public", body: """
            ## 现象
            收费窗口打印票据时卡纸，或打印出空白票据。

            ## 解决方法
            1. 打开上盖，沿出纸方向取出卡住的票据，**不要反向拉扯**；
            2. 确认票据纸正反面（热敏面朝上）；
            3. 打印空白：在「设备和打印机」中右键打印机 → 打印测试页；仍空白请更换色带；
            4. 仍无法打印，报修并注明窗口号。
            """),
        Article(title: "PACS 影像调阅缓慢的排查步骤", category: "PACS 影像系统", tags: ["PACS", "性能"], visibility: "internal", body: """
            ## 现象
            医生站调阅 CT 影像超过 30 秒。

            ## 排查
            | 步骤 | 命令/位置 | 正常值 |
            | --- | --- | --- |
            | 工作站到 PACS 服务器延迟 | `ping pacs-srv01` | < 2 ms |
            | 存储阵列 IO 等待 | 存储管理界面 | < 20 ms |
            | 影像预取任务 | PACS 管理端 → 任务队列 | 无积压 |

            ## 解决方法
            预取任务积压时重启预取服务；存储延迟高时联系厂商二线（见驻场联系表）。
            """),
        Article(title: "LIS 检验报告无法打印（模板丢失）", category: "LIS 检验系统", tags: ["LIS", "打印机"], visibility: "internal", body: """
            ## 现象
            护士站打印检验报告时报错“找不到报表模板”。

            ## 原因
            客户端升级后模板目录未同步。

            ## 解决方法
            在 LIS 客户端「系统维护 → 模板同步」中点击「立即同步」，重启客户端后重试。
            """),
        Article(title: "电脑无法上网的自助检查", category: "网络", tags: ["网络"], visibility: "public", body: """
            ## 自助检查
            1. 看网线两端是否插紧，网口指示灯是否闪烁；
            2. 右下角网络图标显示黄色感叹号时，重启电脑；
            3. 同科室其他电脑也不能上网，请直接报修并说明范围（整个科室/整层楼）。
            """),
        Article(title: "扫码枪扫描住院腕带没有反应", category: "扫码枪", tags: ["扫码枪", "护士站"], visibility: "public", body: """
            ## 解决方法
            - 扫码枪指示灯不亮：重新插拔 USB 线；
            - 指示灯亮但无输入：扫描说明书上的「恢复出厂设置」条码，再扫描「USB 键盘模式」条码；
            - 腕带褶皱或污损时请重新打印腕带。
            """),
        Article(title: "核心交换机配置备份与恢复", category: "网络", tags: ["网络", "交换机"], visibility: "restricted", body: """
            仅信息科网络组可见。

            ## 备份
            每周一 02:00 自动备份到 `tftp://10.0.0.20/backup/`；变更前手工执行 `copy running-config tftp:`。

            ## 恢复
            按变更管理流程申请后，由两名工程师在场执行。
            """),
    ]

    /// Writes the categories and articles; returns how many articles.
    static func seed(on db: any Database, now: Date, owner: UUID, reviewer: UUID, networkTeam: UUID?) async throws -> Int {
        var ids: [String: UUID] = [:]
        for (index, seed) in categories.enumerated() {
            let parent = KBCategory()
            parent.name = seed.name; parent.kind = seed.kind; parent.sortOrder = index * 10; parent.createdAt = now
            try await parent.create(on: db)
            ids[seed.name] = parent.id
            for (childIndex, name) in seed.children.enumerated() {
                let child = KBCategory()
                child.name = name; child.kind = seed.kind; child.parentId = parent.id; child.sortOrder = childIndex * 10; child.createdAt = now
                try await child.create(on: db)
                ids[name] = child.id
            }
        }
        for seed in articles {
            let a = KBArticle()
            a.title = seed.title; a.body = seed.body; a.plain = Markdown.plainText(seed.body); a.tags = KBArticle.encodeTags(seed.tags)
            a.categoryId = ids[seed.category]; a.visibility = seed.visibility; a.status = KBStatus.published.rawValue
            a.ownerId = owner; a.reviewerId = reviewer; a.teamId = seed.visibility == "restricted" ? networkTeam : nil
            a.version = 1; a.views = 0; a.helpful = 0; a.notHelpful = 0; a.solved = 0
            a.publishedAt = now; a.reviewDueAt = now.addingTimeInterval(KnowledgeService.reviewInterval); a.createdAt = now; a.updatedAt = now
            if a.visibility == "restricted" && a.teamId == nil { a.visibility = "internal" }
            try await a.create(on: db)
            try await KnowledgeService.version(a, editor: owner, note: nil, at: now).create(on: db)
            try await KnowledgeSearch.index(a, on: db)
        }
        return articles.count
    }
}
