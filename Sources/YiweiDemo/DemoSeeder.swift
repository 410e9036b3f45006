import Fluent
import Foundation
import Vapor
import Yiwei
import YiweiCore

/// Loads `DemoData` into an empty database in one transaction.
public enum DemoSeeder {
    /// Every demo account's password (demo only; the admin's is separate).
    public static let demoPassword = "Yiwei@2026"

    public struct Result: Sendable {
        public var seeded: Bool
        public var summary: String
    }

    public static func seedIfEmpty(_ app: Application) async throws -> Result {
        let hasDepartments = try await Department.query(on: app.db).first() != nil
        let hasCampuses = try await Campus.query(on: app.db).first() != nil
        if hasDepartments || hasCampuses {
            return Result(seeded: false, summary: "")
        }
        // One hash for all demo accounts: they share the demo password, and 40 bcrypt rounds would take seconds.
        let hash = try await app.password.async.hash(demoPassword)
        let now = app.yiwei.clock.now()
        let locale = app.yiwei.config.defaultLocale
        let timeZone = app.yiwei.config.timeZone
        return try await app.write { db in
            var campusIds: [String: UUID] = [:]
            for seed in DemoData.campuses {
                let campus = Campus()
                campus.name = seed.name; campus.code = seed.code; campus.address = seed.address
                stamp(campus, now)
                try await campus.create(on: db)
                campusIds[seed.code] = campus.id
            }
            var departmentIds: [String: UUID] = [:]
            for seed in DemoData.departments {
                let department = Department()
                department.name = seed.name; department.campusId = campusIds[seed.campusCode]
                department.location = seed.location; department.phone = seed.phone
                department.reportersSeeDepartment = false
                stamp(department, now)
                try await department.create(on: db)
                departmentIds[seed.name] = department.id
            }
            var vendorIds: [String: UUID] = [:]
            for seed in DemoData.vendors {
                let vendor = Vendor()
                vendor.name = seed.name; vendor.contractNo = seed.contractNo
                vendor.contractStart = seed.contractStart; vendor.contractEnd = seed.contractEnd
                vendor.contactName = seed.contactName; vendor.contactPhone = seed.contactPhone; vendor.serviceScope = seed.serviceScope
                stamp(vendor, now)
                try await vendor.create(on: db)
                vendorIds[seed.name] = vendor.id
            }
            var teams: [String: Team] = [:]
            for seed in DemoData.teams {
                let team = Team()
                team.name = seed.name; team.domain = seed.domain; team.description = seed.description
                team.vendorId = seed.vendorName.flatMap { vendorIds[$0] }
                team.autoAssign = true
                stamp(team, now)
                try await team.create(on: db)
                teams[seed.name] = team
            }
            var memberships = 0
            for seed in DemoData.users {
                let user = User()
                user.username = seed.username; user.displayName = seed.displayName; user.passwordHash = hash
                user.roles = Set(seed.roles.compactMap(Role.init(rawValue:)))
                user.departmentId = seed.departmentName.flatMap { departmentIds[$0] }
                user.vendorId = seed.vendorName.flatMap { vendorIds[$0] }
                user.phone = seed.phone
                user.locale = locale; user.isActive = true; user.failedLogins = 0; user.mustChangePassword = false
                user.createdAt = now; user.updatedAt = now
                try await user.create(on: db)
                let userId = try user.requireID()
                for name in Set(seed.teamNames + seed.leadsTeams) {
                    guard let team = teams[name] else { continue }
                    try await TeamMember(teamId: try team.requireID(), userId: userId).create(on: db)
                    memberships += 1
                }
                for name in seed.leadsTeams {
                    guard let team = teams[name] else { continue }
                    team.leadId = userId
                    try await team.update(on: db)
                }
            }
            var categoryCount = 0
            for (index, seed) in DemoData.categories.enumerated() {
                let parent = Category()
                parent.name = seed.name; parent.domain = seed.domain; parent.sortOrder = index * 10
                parent.defaultTeamId = teams[seed.defaultTeamName]?.id
                stamp(parent, now)
                try await parent.create(on: db)
                categoryCount += 1
                for (childIndex, name) in seed.children.enumerated() {
                    let child = Category()
                    child.name = name; child.domain = seed.domain; child.parentId = parent.id; child.sortOrder = childIndex * 10
                    child.defaultTeamId = parent.defaultTeamId
                    stamp(child, now)
                    try await child.create(on: db)
                    categoryCount += 1
                }
            }
            for seed in DemoData.systems {
                let system = BusinessSystem()
                system.name = seed.name; system.code = seed.code; system.criticality = seed.criticality
                system.ownerDepartmentId = departmentIds[seed.ownerDepartmentName]
                system.vendorId = seed.vendorName.flatMap { vendorIds[$0] }
                stamp(system, now)
                try await system.create(on: db)
            }
            var articles = 0
            let author = try await User.query(on: db).filter(\.$username == "liming").first()?.id
            let head = try await User.query(on: db).filter(\.$username == "liuzhiyuan").first()?.id
            if let author, let head {
                articles = try await DemoKnowledge.seed(on: db, now: now, owner: author, reviewer: head, networkTeam: teams["网络与安全组"]?.id)
            }
            let registers = try await EvaluationDemo.seed(on: db, now: now, timeZone: timeZone)
            let summary = "\(DemoData.campuses.count) campuses, \(DemoData.departments.count) departments, \(DemoData.vendors.count) vendors, "
                + "\(DemoData.teams.count) teams, \(DemoData.users.count) users, \(categoryCount) categories, \(DemoData.systems.count) business systems, "
                + "\(articles) knowledge articles" + (registers.isEmpty ? "" : ", " + registers)
            try await AuditLog.append(on: db, at: now, actor: .system("seed-demo"), action: "demo.seed", entityType: "system",
                                      after: ["summary": summary])
            return Result(seeded: true, summary: summary)
        }
    }

    private static func stamp(_ model: some OrgModel, _ now: Date) {
        model.isActive = true
        model.createdAt = now
        model.updatedAt = now
    }
}

/// `yiwei seed-demo`: loads the demo hospital into an empty database.
struct SeedDemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Load the demo hospital (two campuses, departments, the 50 business systems of seed 001, teams, vendors, users)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let result = try await DemoSeeder.seedIfEmpty(context.application)
        context.console.print(result.seeded
            ? "演示数据已导入 / demo data loaded: \(result.summary). 演示账号密码 / demo users' password: \(DemoSeeder.demoPassword)"
            : "数据库中已有组织数据，未导入演示数据 / the database already has organisation data; nothing loaded")
    }
}
