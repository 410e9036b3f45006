import Foundation
import Testing
@testable import YiweiCore

@Suite("Ticket state machine (API.md's table, exhaustively)")
struct TicketStateMachineTests {
    /// API.md's table: action → (allowed from → leads to). `nil` target means "unchanged".
    static let table: [TicketAction: [TicketStatus: TicketStatus]] = [
        .accept: [.new: .accepted],
        .assign: [.new: .accepted, .accepted: .accepted, .inProgress: .inProgress, .pending: .pending],
        .start: [.accepted: .inProgress],
        .pend: [.accepted: .pending, .inProgress: .pending],
        .resume: [.pending: .inProgress],
        .resolve: [.accepted: .resolved, .inProgress: .resolved],
        .reopen: [.resolved: .inProgress],
        .close: [.resolved: .closed],
        .cancel: [.new: .cancelled, .accepted: .cancelled, .inProgress: .cancelled, .pending: .cancelled],
        // Yiwei's extensions
        .transfer: [.new: .accepted, .accepted: .accepted, .inProgress: .inProgress, .pending: .pending],
        .reprioritize: [.new: .new, .accepted: .accepted, .inProgress: .inProgress, .pending: .pending],
        .visit: [.resolved: .resolved, .closed: .closed],
        .plan: [.new: .new, .accepted: .accepted, .inProgress: .inProgress, .pending: .pending],
        .approvePlan: [.new: .new, .accepted: .accepted, .inProgress: .inProgress, .pending: .pending],
        // SLA-3: a lead's decision on a pause, while the ticket is pending
        .approvePause: [.pending: .pending],
        .rejectPause: [.pending: .pending],
    ]

    @Test("every (status, action) pair is allowed exactly as the table says", arguments: TicketAction.allCases)
    func exhaustive(_ action: TicketAction) {
        for status in TicketStatus.allCases {
            let expected = Self.table[action]?[status]
            #expect(TicketStateMachine.next(status, action, pendedFrom: .inProgress) == expected, "\(action) from \(status)")
        }
    }

    @Test("resume returns to the status the ticket was pended from")
    func resumeReturns() {
        #expect(TicketStateMachine.next(.pending, .resume, pendedFrom: .accepted) == .accepted)
        #expect(TicketStateMachine.next(.pending, .resume, pendedFrom: .inProgress) == .inProgress)
    }

    @Test("closed and cancelled are final for the loop's actions")
    func finalStates() {
        for action in TicketAction.allCases where action != .visit {
            // (plan and approve_plan only exist for open tickets too)
            #expect(TicketStateMachine.next(.closed, action) == nil)
            #expect(TicketStateMachine.next(.cancelled, action) == nil)
        }
    }
}

@Suite("Priority matrix and ticket numbers")
struct PriorityAndNumberTests {
    /// API.md's default matrix, row by row (impact across: hospital, multi_department, department, individual).
    @Test("the default matrix, all 16 cells", arguments: [
        (Urgency.patientSafety, [Priority.p1, .p1, .p1, .p2]),
        (.clinical, [.p1, .p1, .p2, .p3]),
        (.operation, [.p1, .p2, .p3, .p3]),
        (.experience, [.p2, .p3, .p4, .p4]),
    ])
    func matrix(_ urgency: Urgency, _ row: [Priority]) {
        let impacts: [Impact] = [.hospital, .multiDepartment, .department, .individual]
        for (impact, expected) in zip(impacts, row) {
            #expect(PriorityMatrix.standard.priority(impact: impact, urgency: urgency) == expected, "\(urgency) × \(impact)")
        }
    }

    @Test("numbers carry the domain, the local day and a 4-digit sequence")
    func numbers() {
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        // 2026-11-23 16:30 UTC is already 2026-11-24 00:30 in Shanghai.
        let lateEvening = Date(timeIntervalSince1970: 1_795_451_400)
        #expect(TicketNumber.day(of: lateEvening, in: shanghai) == "20261124")
        #expect(TicketNumber.day(of: lateEvening, in: TimeZone(identifier: "UTC")!) == "20261123")
        #expect(TicketNumber.format(domain: .it, day: "20261123", sequence: 7) == "IT-20261123-0007")
        #expect(TicketNumber.format(domain: .equipment, day: "20261123", sequence: 12345) == "EQ-20261123-12345")
        #expect(TicketNumber.format(domain: .logistics, day: "20261123", sequence: 12) == "LG-20261123-0012")
        #expect(TicketNumber.format(domain: .equipment, day: "20261123", sequence: 10_000) == "EQ-20261123-10000")
    }
}
