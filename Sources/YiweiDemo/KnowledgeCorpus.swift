import Fluent
import Foundation
import SQLKit
import Vapor
import Yiwei
import YiweiCore
import YiweiText

/// A deterministic generator of realistic Chinese knowledge articles (fault patterns of the seed 001
/// business systems), for benchmarks and `gen-data`: the same seed gives the same articles.
public enum KnowledgeCorpus {
    /// SplitMix64: small, fast, and the same on every platform.
    public struct Generator: RandomNumberGenerator, Sendable {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let systems = DemoData.systems.map(\.name) + ["HIS", "EMR 电子病历", "PACS 影像系统", "LIS 检验系统", "门诊医生站", "住院护士站", "手麻系统", "体检系统"]
    static let symptoms = ["登录失败", "无法打印", "打印空白", "影像调阅慢", "界面卡死", "提示数据库连接超时", "报表数据不一致", "扫码无反应",
                           "接口消息积压", "证书过期", "医嘱无法保存", "病历无法签名", "叫号屏不显示", "网络中断", "同步延迟", "字段显示乱码",
                           "统计结果为空", "上传附件失败", "闪退", "权限不足"]
    static let causes = ["客户端版本与服务器不一致", "数据库连接池耗尽", "打印模板丢失", "网络交换机端口故障", "服务器磁盘空间不足",
                         "中间件服务异常退出", "用户权限配置错误", "缓存未刷新", "接口服务线程阻塞", "证书未及时续期", "浏览器兼容性问题",
                         "存储阵列读写延迟升高", "时间同步服务异常", "驱动程序版本过旧"]
    static let steps = ["重启客户端后重新登录", "在系统维护中执行模板同步", "清理浏览器缓存并刷新页面", "联系机房检查交换机端口指示灯",
                        "清理服务器临时文件释放磁盘空间", "在中间件管理台重启服务", "由管理员重新分配角色权限", "执行缓存刷新任务",
                        "重启接口服务并观察消息队列", "更新证书并重启相关服务", "改用推荐版本的浏览器", "联系厂商二线检查存储阵列",
                        "校准服务器时间同步", "从共享目录安装最新驱动"]
    static let departments = ["门诊部", "急诊科", "心血管内科", "检验科", "放射科", "病理科", "药剂科", "手术室", "重症医学科", "儿科", "收费处", "体检中心"]

    /// One article: title, Markdown body, tags.
    public static func article(_ rng: inout Generator) -> (title: String, body: String, tags: [String]) {
        func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
        let system = pick(systems), symptom = pick(symptoms), department = pick(departments)
        let title = "\(system)\(symptom)的处理"
        var body = "## 现象\n\n\(department)反映\(system)\(symptom)，"
        body += ["影响全科室使用。", "个别终端出现。", "高峰时段明显。", "重启后仍然存在。"][Int(rng.next() % 4)]
        body += "\n\n## 原因\n\n" + pick(causes) + "；也可能是" + pick(causes) + "。\n\n## 解决方法\n\n"
        let count = 2 + Int(rng.next() % 4)
        for n in 1...count { body += "\(n). \(pick(steps))；\n" }
        body += "\n如仍未解决，请在工单中注明终端编号并联系信息科。\n"
        return (title, body, [String(system.prefix(20)), String(symptom.prefix(20))])
    }

    /// Inserts `count` published articles with SQL in batches (the trigram index follows by trigger; the pair
    /// index is written here). Returns the seconds it took.
    public static func bulkInsert(_ app: Application, count: Int, seed: UInt64, owner: UUID, now: Date) async throws -> Double {
        let started = Date()
        var rng = Generator(seed: seed)
        let sql = app.db.sql
        let sqlite = KnowledgeSearch.isSQLite(sql)
        let visibilities = ["public", "public", "internal", "internal", "internal", "restricted"]
        var done = 0
        while done < count {
            let batch = min(1000, count - done)
            let offset = done
            var articles: [(title: String, body: String, tags: [String])] = []
            for _ in 0..<batch { articles.append(article(&rng)) }
            let generated = articles
            try await app.db.transaction { db in
                let sql = db.sql
                for (i, generatedArticle) in generated.enumerated() {
                    let (title, body, tags) = generatedArticle
                    let id = UUID()
                    let updated = now.addingTimeInterval(-Double((offset + i) % 1000) * 86_400 / 3)
                    let plain = Markdown.plainText(body)
                    let visibility = visibilities[(offset + i) % visibilities.count]
                    try await sql.insert(into: KBArticle.schema)
                        .columns("id", "title", "body", "plain", "tags", "visibility", "status", "owner_id", "department_id", "version", "views",
                                 "helpful", "not_helpful", "solved", "created_at", "updated_at", "published_at", "review_due_at")
                        .values(SQLBind(id), SQLBind(title), SQLBind(body), SQLBind(plain), SQLBind(KBArticle.encodeTags(tags)), SQLBind(visibility),
                                SQLBind("published"), SQLBind(owner), SQLBind(Optional<UUID>.none), SQLBind(1), SQLBind(0), SQLBind(0), SQLBind(0),
                                SQLBind(0), SQLBind(updated), SQLBind(updated), SQLBind(updated), SQLBind(updated.addingTimeInterval(KnowledgeService.reviewInterval)))
                        .run()
                    if sqlite {
                        try await sql.raw("""
                            INSERT INTO kb_grams(rowid, grams) SELECT rowid, \(bind: KnowledgeSearch.grams(title + " " + tags.joined(separator: " ") + " " + plain)) FROM kb_articles WHERE id = \(bind: id)
                            """).run()
                    }
                }
            }
            done += batch
        }
        return Date().timeIntervalSince(started)
    }

    /// One search as a signed-in staff member (public and internal articles) would run it; returns the hit count.
    public static func benchmarkSearch(_ app: Application, _ q: String, suggest: Bool, now: Date) async throws -> Int {
        let query = suggest ? KnowledgeService.suggestionQuery(q) : q
        let visibility = SQLRaw("a.visibility IN ('public', 'internal')")
        let result = try await KnowledgeSearch.search(query, visibility: visibility, filters: .init(), limit: suggest ? 5 : 20, anyTerm: suggest,
                                                      countTotal: !suggest, now: now, on: app.db)
        return result.hits.count
    }
}
