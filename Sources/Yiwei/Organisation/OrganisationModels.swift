import Fluent
import Foundation

// @unchecked Sendable on the models below: Fluent models are mutable classes; each instance is used by
// one request at a time and never shared between tasks.

/// 院区: one site of the hospital.
package final class Campus: Model, @unchecked Sendable {
    package static let schema = "campuses"
    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @OptionalField(key: "code") package var code: String?
    @OptionalField(key: "address") package var address: String?
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}

/// 科室: a clinical or administrative department, at one campus.
package final class Department: Model, @unchecked Sendable {
    package static let schema = "departments"
    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @OptionalField(key: "campus_id") package var campusId: UUID?
    @OptionalField(key: "location") package var location: String?
    @OptionalField(key: "phone") package var phone: String?
    /// Reporters of this department see each other's tickets, not only their own.
    @Field(key: "reporters_see_department") package var reportersSeeDepartment: Bool
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}

/// A team of engineers in one service domain (an IT group, a logistics crew, a vendor's on-site team).
package final class Team: Model, @unchecked Sendable {
    package static let schema = "teams"
    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @Field(key: "domain") package var domain: String
    @OptionalField(key: "lead_id") package var leadId: UUID?
    @OptionalField(key: "vendor_id") package var vendorId: UUID?
    @OptionalField(key: "description") package var description: String?
    /// New tickets routed to the team go straight to the on-duty member with the fewest open tickets.
    @Field(key: "auto_assign") package var autoAssign: Bool
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}

package final class TeamMember: Model, @unchecked Sendable {
    package static let schema = "team_members"
    @ID(key: .id) package var id: UUID?
    @Field(key: "team_id") package var teamId: UUID
    @Field(key: "user_id") package var userId: UUID
    /// On duty now (值班): automatic dispatch picks only among members on duty.
    @Field(key: "on_duty") package var onDuty: Bool
    package init() {}
    package init(teamId: UUID, userId: UUID, onDuty: Bool = true) {
        self.teamId = teamId
        self.userId = userId
        self.onDuty = onDuty
    }
}

/// 厂商: a company under contract for on-site operations or maintenance.
package final class Vendor: Model, @unchecked Sendable {
    package static let schema = "vendors"
    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @OptionalField(key: "contract_no") package var contractNo: String?
    @OptionalField(key: "contract_start") package var contractStart: String?
    @OptionalField(key: "contract_end") package var contractEnd: String?
    @OptionalField(key: "contact_name") package var contactName: String?
    @OptionalField(key: "contact_phone") package var contactPhone: String?
    @OptionalField(key: "service_scope") package var serviceScope: String?
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}

/// A node of a domain's category tree; tickets in it go to its default team unless a rule says otherwise.
package final class Category: Model, @unchecked Sendable {
    package static let schema = "categories"
    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @Field(key: "domain") package var domain: String
    @OptionalField(key: "parent_id") package var parentId: UUID?
    @OptionalField(key: "default_team_id") package var defaultTeamId: UUID?
    @Field(key: "sort_order") package var sortOrder: Int
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}

/// 业务系统: where the CMDB starts (HIS, EMR, PACS, LIS …).
package final class BusinessSystem: Model, @unchecked Sendable {
    package static let schema = "business_systems"
    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @OptionalField(key: "code") package var code: String?
    @OptionalField(key: "owner_department_id") package var ownerDepartmentId: UUID?
    @OptionalField(key: "vendor_id") package var vendorId: UUID?
    @Field(key: "criticality") package var criticality: String
    @OptionalField(key: "description") package var description: String?
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}
