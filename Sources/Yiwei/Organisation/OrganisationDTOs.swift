import Fluent
import Vapor

struct CampusDTO: Content, Equatable {
    var id: UUID
    var name: String
    var code: String?
    var address: String?
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}

struct DepartmentDTO: Content, Equatable {
    var id: UUID
    var name: String
    var campusId: UUID?
    /// The campus's name (API.md's `campus`).
    var campus: String?
    var location: String?
    var phone: String?
    var reportersSeeDepartment: Bool
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}

struct TeamDTO: Content, Equatable {
    var id: UUID
    var name: String
    var domain: String
    var leadId: UUID?
    var vendorId: UUID?
    var description: String?
    var memberIds: [UUID]
    /// Members on duty now; automatic dispatch picks among them.
    var onDutyIds: [UUID]
    var autoAssign: Bool
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}

struct VendorDTO: Content, Equatable {
    var id: UUID
    var name: String
    var contractNo: String?
    var contractStart: String?
    var contractEnd: String?
    var contactName: String?
    var contactPhone: String?
    var serviceScope: String?
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}

struct CategoryDTO: Content, Equatable {
    var id: UUID
    var name: String
    var domain: String
    var parentId: UUID?
    var defaultTeamId: UUID?
    var sortOrder: Int
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}

struct BusinessSystemDTO: Content, Equatable {
    var id: UUID
    var name: String
    var code: String?
    var ownerDepartmentId: UUID?
    var vendorId: UUID?
    var criticality: String
    var description: String?
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}
