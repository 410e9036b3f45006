import Fluent
import Foundation

// @unchecked Sendable on the models below: Fluent models are mutable classes; each instance is used by
// one request at a time and never shared between tasks.

/// 院区: one site of the hospital.
final class Campus: Model, @unchecked Sendable {
    static let schema = "campuses"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "code") var code: String?
    @OptionalField(key: "address") var address: String?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// 科室: a clinical or administrative department, at one campus.
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "campus_id") var campusId: UUID?
    @OptionalField(key: "location") var location: String?
    @OptionalField(key: "phone") var phone: String?
    /// Reporters of this department see each other's tickets, not only their own.
    @Field(key: "reporters_see_department") var reportersSeeDepartment: Bool
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// A team of engineers in one service domain (an IT group, a logistics crew, a vendor's on-site team).
final class Team: Model, @unchecked Sendable {
    static let schema = "teams"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "domain") var domain: String
    @OptionalField(key: "lead_id") var leadId: UUID?
    @OptionalField(key: "vendor_id") var vendorId: UUID?
    @OptionalField(key: "description") var description: String?
    /// New tickets routed to the team go straight to the on-duty member with the fewest open tickets.
    @Field(key: "auto_assign") var autoAssign: Bool
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

final class TeamMember: Model, @unchecked Sendable {
    static let schema = "team_members"
    @ID(key: .id) var id: UUID?
    @Field(key: "team_id") var teamId: UUID
    @Field(key: "user_id") var userId: UUID
    /// On duty now (值班): automatic dispatch picks only among members on duty.
    @Field(key: "on_duty") var onDuty: Bool
    init() {}
    init(teamId: UUID, userId: UUID, onDuty: Bool = true) {
        self.teamId = teamId
        self.userId = userId
        self.onDuty = onDuty
    }
}

/// 厂商: a company under contract for on-site operations or maintenance.
final class Vendor: Model, @unchecked Sendable {
    static let schema = "vendors"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "contract_no") var contractNo: String?
    @OptionalField(key: "contract_start") var contractStart: String?
    @OptionalField(key: "contract_end") var contractEnd: String?
    @OptionalField(key: "contact_name") var contactName: String?
    @OptionalField(key: "contact_phone") var contactPhone: String?
    @OptionalField(key: "service_scope") var serviceScope: String?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// A node of a domain's category tree; tickets in it go to its default team unless a rule says otherwise.
final class Category: Model, @unchecked Sendable {
    static let schema = "categories"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "domain") var domain: String
    @OptionalField(key: "parent_id") var parentId: UUID?
    @OptionalField(key: "default_team_id") var defaultTeamId: UUID?
    @Field(key: "sort_order") var sortOrder: Int
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// 业务系统: where the CMDB starts (HIS, EMR, PACS, LIS …).
final class BusinessSystem: Model, @unchecked Sendable {
    static let schema = "business_systems"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "code") var code: String?
    @OptionalField(key: "owner_department_id") var ownerDepartmentId: UUID?
    @OptionalField(key: "vendor_id") var vendorId: UUID?
    @Field(key: "criticality") var criticality: String
    @OptionalField(key: "description") var description: String?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}
