import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// One set of figures, exactly as ../shared/API.md defines them (docs/kpis.md has the worked examples).
public struct KPIFigures: Content, Equatable {
    var created: Int
    var resolved: Int
    var closed: Int
    var closureRate: Double
    var meanResponseMinutes: Double?
    var meanResolveMinutes: Double?
    var slaResponseRate: Double?
    var slaResolveRate: Double?
    var reopenRate: Double?
    var satisfaction: Double?
}

public struct KPIGroup: Content, Equatable {
    var key: String
    var label: String
    var kpis: KPIFigures
}

public struct KPIResult: Content, Equatable {
    var from: Date
    var to: Date
    var domain: String?
    var teamId: UUID?
    /// The figures for the whole range, with the fields of API.md at the top level.
    var created: Int
    var resolved: Int
    var closed: Int
    var closureRate: Double
    var meanResponseMinutes: Double?
    var meanResolveMinutes: Double?
    var slaResponseRate: Double?
    var slaResolveRate: Double?
    var reopenRate: Double?
    var satisfaction: Double?
    var groupBy: String?
    var groups: [KPIGroup]?
}
