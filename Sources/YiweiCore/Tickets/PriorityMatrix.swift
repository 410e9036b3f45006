/// Impact × urgency → priority (SD-5). The hospital may change the cells; the default is API.md's.
public struct PriorityMatrix: Sendable, Equatable, Codable {
    /// cells[urgency][impact]
    public var cells: [Urgency: [Impact: Priority]]

    public init(cells: [Urgency: [Impact: Priority]]) { self.cells = cells }

    public static let standard = PriorityMatrix(cells: [
        .patientSafety: [.hospital: .p1, .multiDepartment: .p1, .department: .p1, .individual: .p2],
        .clinical: [.hospital: .p1, .multiDepartment: .p1, .department: .p2, .individual: .p3],
        .operation: [.hospital: .p1, .multiDepartment: .p2, .department: .p3, .individual: .p3],
        .experience: [.hospital: .p2, .multiDepartment: .p3, .department: .p4, .individual: .p4],
    ])

    public func priority(impact: Impact, urgency: Urgency) -> Priority {
        cells[urgency]?[impact] ?? .p3
    }
}
