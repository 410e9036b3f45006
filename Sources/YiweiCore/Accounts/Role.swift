/// The roles of Yiwei. A user holds one or more; permissions are the union of their roles'.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case admin, agent, dispatcher, lead, reporter, vendor, auditor

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What a user may do. Every permission check in the API and in the pages asks for one of these.
public enum Permission: String, CaseIterable, Codable, Sendable {
    /// Read campuses, departments, teams, vendors, categories, business systems.
    case readOrganisation
    /// Create and change the organisation (campuses … business systems).
    case manageOrganisation
    /// Read the list of user accounts.
    case readUsers
    /// Create and change user accounts and their roles.
    case manageUsers
    /// Read and verify the audit log.
    case readAudit
    /// Handle tickets (used by the service desk issues).
    case workTickets
    /// Report tickets.
    case reportTickets
}

public enum RolePolicy {
    /// 等保 2.0 三员分立: the system administrator manages accounts and organisation but may not read the
    /// audit log; the auditor reads everything and changes nothing.
    public static func permissions(for role: Role) -> Set<Permission> {
        switch role {
        case .admin: [.readOrganisation, .manageOrganisation, .readUsers, .manageUsers]
        case .auditor: [.readOrganisation, .readUsers, .readAudit]
        case .lead, .dispatcher: [.readOrganisation, .readUsers, .workTickets, .reportTickets]
        case .agent: [.readOrganisation, .readUsers, .workTickets, .reportTickets]
        case .vendor: [.readOrganisation, .workTickets]
        case .reporter: [.readOrganisation, .reportTickets]
        }
    }

    public static func permissions(for roles: some Sequence<Role>) -> Set<Permission> {
        roles.reduce(into: Set<Permission>()) { $0.formUnion(permissions(for: $1)) }
    }

    /// Role sets that separation of duties forbids: the one who administers must not audit.
    public static func conflict(in roles: Set<Role>) -> RoleConflict? {
        if roles.contains(.admin) && roles.contains(.auditor) { return .adminAndAuditor }
        if roles.contains(.auditor) && roles.count > 1 { return .auditorWithOtherRoles }
        return nil
    }
}

public enum RoleConflict: String, Sendable, Equatable {
    case adminAndAuditor = "admin_and_auditor"
    /// An auditor must stay read-only, so the role cannot be combined with any role that writes.
    case auditorWithOtherRoles = "auditor_with_other_roles"
}
