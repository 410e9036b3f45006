import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Downtime per business system per month and year against the limits of seed 003 (ANA-4). The rules are
/// YiweiCore's `DowntimeAccounting.report` with `DowntimeLimits.seed003`; ReportDowntime.swift only loads the records,
/// names the systems and links each breach back to its records and tickets.
struct DowntimeStats: Content, Equatable {
    struct Limits: Content, Equatable {
        var outageMinutesPerMonth: Int
        var outagesPerYear: Int
        var minutesPerOutage: Int
        var departmentImpactsPerMonth: Int
        var departmentImpactsPerYear: Int
        var minutesPerDepartmentImpact: Int
        var hospitalWideOutagesPerYear: Int
    }
    struct Month: Content, Equatable {
        var month: String
        var outageMinutes: Int
        var outages: Int
        var departmentImpactMinutes: Int
        var departmentImpacts: Int
    }
    struct System: Content, Equatable {
        var businessSystemId: UUID
        var name: String
        var months: [Month]
        var outageMinutes: Int
        var outages: Int
        var departmentImpacts: Int
        var breaches: Int
    }
    struct RecordRef: Content, Equatable {
        var outageId: UUID
        var ticketId: UUID?
        var ticketNumber: String?
    }
    struct Breach: Content, Equatable {
        var businessSystemId: UUID
        var systemName: String
        /// The clause of seed 003: 2.5, 2.6 or 4.1.
        var clause: String
        /// monthly_outage_time | outage_too_long | too_many_outages | too_many_hospital_wide_outages |
        /// department_impact_too_long | too_many_department_impacts_in_month | too_many_department_impacts_in_year
        var code: String
        /// YiweiCore's Chinese wording of the finding.
        var text: String
        var month: String
        /// The start of the interruption it concerns (nil for a month's total).
        var startedAt: Date?
        var minutes: Int?
        var ordinal: Int?
        var records: [RecordRef]
    }
    var from: Date
    var to: Date
    var firstMonth: String
    var months: Int
    var limits: Limits
    var systems: [System]
    var breaches: [Breach]
}

/// The figures of a generated report (ANA-3); docs/reports.md says how each one is computed.
struct OpsReport: Content, Equatable {
    struct Day: Content, Equatable { var day: String; var created: Int; var resolved: Int }
    struct DomainKind: Content, Equatable { var domain: String; var kind: String; var created: Int }
    struct Count: Content, Equatable { var id: UUID?; var name: String; var count: Int }
    struct Satisfaction: Content, Equatable {
        var mean: Double?
        var rated: Int
        /// Ratings 1…5: how many of each.
        var distribution: [Int]
    }
    struct MajorIncident: Content, Equatable {
        var id: UUID
        var number: String
        var title: String
        var priority: String
        var status: String
        var businessSystemName: String?
        var createdAt: Date
        var acknowledgedAt: Date?
        var resolvedAt: Date?
        var resolveDueAt: Date?
        /// met | missed | open (not decided yet) | none (no SLA policy)
        var resolution: String
    }
    struct RiskTicket: Content, Equatable {
        var id: UUID
        var number: String
        var title: String
        var priority: String
        var status: String
        var createdAt: Date
        var resolveDueAt: Date?
        var pendingSince: Date?
        /// overdue (open at the period's end with its resolution target passed) | pending (pending for more than 72 h)
        var reason: String
    }
    struct Inspections: Content, Equatable {
        /// false: there is no inspection module yet, so there is no figure (not zero).
        var available: Bool
    }
    struct Risks: Content, Equatable {
        var overdue: [RiskTicket]
        var overdueTotal: Int
        var longPending: [RiskTicket]
        var longPendingTotal: Int
        var downtimeBreaches: [DowntimeStats.Breach]
    }

    var kind: String
    var period: String
    var from: Date
    var to: Date
    var previousPeriod: String
    var generatedAt: Date
    /// false while the period is still running: the figures are up to `generatedAt`.
    var complete: Bool
    var kpis: KPIFigures
    var previous: KPIFigures
    var daily: [Day]
    var byDomain: [KPIGroup]
    var byDomainAndKind: [DomainKind]
    var slaByPriority: [KPIGroup]
    var satisfaction: Satisfaction
    var topCategories: [Count]
    var topSystems: [Count]
    var majorIncidents: [MajorIncident]
    var downtime: [DowntimeStats.System]
    var inspections: Inspections
    var risks: Risks
}
