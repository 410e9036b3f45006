import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// One count under a key (a status, domain or priority as API.md spells it).
public struct DashboardCount: Content, Equatable {
    public var key: String
    public var count: Int
}

/// One day of the trend, in the hospital's time zone: tickets reported that day, and tickets resolved that day.
public struct DashboardDay: Content, Equatable {
    public var date: String
    public var created: Int
    public var resolved: Int
}

public struct DashboardSystem: Content, Equatable {
    public var id: UUID
    public var name: String
    public var incidents: Int
}

public struct DashboardEngineer: Content, Equatable {
    public var id: UUID
    public var name: String
    /// Open tickets assigned to the engineer (all domains).
    public var openTickets: Int
}

public struct DashboardTeamDuty: Content, Equatable {
    public var teamId: UUID
    public var teamName: String
    public var domain: String
    public var engineers: [DashboardEngineer]
}

/// Everything the operations dashboard shows (`GET /api/v1/stats/dashboard`); docs/dashboard.md defines each figure.
public struct DashboardFigures: Content, Equatable {
    public var generatedAt: Date
    public var timeZone: String
    /// Open tickets: new, accepted, in progress or pending.
    public var open: Int
    public var byStatus: [DashboardCount]
    public var byDomain: [DashboardCount]
    public var byPriority: [DashboardCount]
    /// Open, not pending, not breached, and the SLA scheduler has warned (预警, 75 % used) about a response or
    /// resolution clock that is still running and not yet due.
    public var atRisk: Int
    /// Open tickets whose response or resolution target was missed (`response_breached` or `resolve_breached`).
    public var breached: Int
    /// Today in the hospital's time zone (`YYYY-MM-DD`), reported and resolved today.
    public var today: DashboardDay
    /// The last 30 days, oldest first, today last.
    public var trend: [DashboardDay]
    /// Business systems with the most incidents (kind `incident`) reported in the trend's 30 days, at most 10.
    public var topSystems: [DashboardSystem]
    /// Active teams with their on-duty (值班) members.
    public var onDuty: [DashboardTeamDuty]
}
