import Foundation
import Testing
@testable import YiweiCore

// The contract assessment rules (EVAL-1…4, ANA-4) and the worked examples of docs/vendor-evaluation.md.
// "Example N" in a comment is example N of that page. Every expected number is computed by hand in the
// comment beside it. Money is in fen (¥1.00 = 100 fen); scores are in tenths.

private func p(_ text: String) -> ScorePoints { ScorePoints(text)! }
private func yuan(_ text: String) -> Money { Money(text)! }
private func ym(_ text: String) -> YearMonth { YearMonth(text)! }

/// Shanghai time, `2026-03-10T09:00` or with seconds.
private func at(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text + (text.count == 16 ? ":00+08:00" : "+08:00"))!
}

private func epoch(_ text: String) -> Int { Int(at(text).timeIntervalSince1970) }

@Suite("Evaluation: values")
struct EvaluationValueTests {
    @Test("scores keep one decimal exactly")
    func scorePoints() {
        #expect(p("78.5").tenths == 785)
        #expect(p("85").tenths == 850)
        #expect(p("85.0") == 85)
        #expect(p("-0.5").tenths == -5)
        #expect(ScorePoints("78.55") == nil)      // two decimals: refused, not rounded
        #expect(ScorePoints("") == nil)
        #expect(ScorePoints("7x") == nil)
        #expect(ScorePoints(".5") == nil)
        #expect(ScorePoints("+5") == nil)
        #expect(ScorePoints("８５") == nil)       // full-width digits
        #expect(p("78.5").description == "78.5")
        #expect(ScorePoints(85).description == "85.0")
        #expect(p("78.5").decimalValue == Decimal(string: "78.5")!)
    }

    @Test("means round half up to one decimal")
    func means() {
        #expect(ScorePoints.mean([p("84.5"), p("84.6")]) == p("84.6"))        // (845 + 846) / 2 = 845.5 → 846
        #expect(ScorePoints.mean([85, p("84.9"), 60]) == p("76.6"))           // 2299 / 3 = 766.33 → 766
        #expect(ScorePoints.mean([p("8.6"), p("8.7"), p("8.7")]) == p("8.7")) // 260 / 3 = 86.67 → 87
        #expect(ScorePoints.mean([]) == nil)
    }

    @Test("money in fen: parsing and printing")
    func money() {
        #expect(yuan("¥94,800.00").fen == 9_480_000)
        #expect(yuan("100000").fen == 10_000_000)
        #expect(yuan("0.5").fen == 50)
        #expect(yuan("-3.25").fen == -325)
        #expect(Money("1,23") == nil)
        #expect(Money("1.234") == nil)
        #expect(Money("12,3456") == nil)
        #expect(Money(fen: 9_480_000).description == "¥94,800.00")
        #expect(Money(fen: 5).description == "¥0.05")
        #expect(Money(fen: -520_000).description == "-¥5,200.00")
        #expect(Money(fen: 123_456_789).description == "¥1,234,567.89")
        #expect(Money(fen: 625).scaled(by: 8, over: 10_000) == Money(fen: 1))   // 0.5 fen → 1 (half up)
        #expect(Money(fen: 624).scaled(by: 8, over: 10_000) == Money(fen: 0))   // 0.4992 fen → 0
        #expect(Money(fen: 123_457).percent(3) == Money(fen: 3704))             // 3 703.71 → 3 704
    }

    @Test("rates are exact fractions")
    func ratios() {
        #expect(Ratio(29, of: 30)!.percentTenths == 967)      // 96.666… % → 96.7 %
        #expect(Ratio(29, of: 30)!.description == "29/30 (96.7%)")
        #expect(Ratio(19, of: 20)!.isAtLeast(percent: 95))    // exactly 95 %
        #expect(!Ratio(94, of: 99)!.isAtLeast(percent: 95))   // 94.95 %
        #expect(Ratio(0, of: 0)!.isAtLeast(percent: 100))     // an empty plan counts as complete
        #expect(Ratio(31, of: 30) == nil)
        #expect(Ratio(-1, of: 30) == nil)
    }

    @Test("months")
    func months() {
        #expect(ym("2026-12").next == ym("2027-01"))
        #expect(ym("2026-03").advanced(by: -3) == ym("2025-12"))
        #expect(ym("2026-07").description == "2026-07")
        #expect(YearMonth("2026-13") == nil)
        #expect(YearMonth(epochDay: 0) == ym("1970-01"))
        #expect(ym("2026-03").firstEpochDay == 20_513)        // 2026-03-01 is day 20 513 after 1970-01-01
        #expect(YearMonth(epochDay: 20_512) == ym("2026-02"))
        #expect(ym("2024-03").firstEpochDay - ym("2024-02").firstEpochDay == 29)   // leap February
    }
}

@Suite("Evaluation: the annex 1 scorecard")
struct EvaluationScorecardTests {
    @Test("the template is annex 1: eight items adding up to 100")
    func template() {
        let items = ScorecardTemplate.items
        #expect(items.map(\.maxPoints).reduce(0, +) == 100)   // 8 + 10 + 5 + 15 + 10 + 7 + 25 + 20
        #expect(items.map(\.key) == ScorecardItemKey.allCases)
        #expect(items.map(\.name) == ["需求调研与手册完备性", "培训质量", "会议及报告规范性", "巡检到位率",
                                       "应急预案", "交付物提交质量", "故障响应及时性", "用户满意度"])
        #expect(items.map(\.maxPoints) == [8, 10, 5, 15, 10, 7, 25, 20])
        #expect(items.filter { $0.basis == .subjective }.map(\.key) == [.requirementsAndManuals, .emergencyPlans])
        for item in items {
            #expect(item.bands.first!.highest == item.maximum, "\(item.key)")
            #expect(item.bands.last!.lowest == .zero, "\(item.key)")
            #expect(!item.rule.isEmpty)
            // Bands are disjoint, highest first.
            for (a, b) in zip(item.bands, item.bands.dropFirst()) { #expect(b.highest < a.lowest, "\(item.key)") }
        }
        #expect(ScorecardItemKey.inspectionRate.definition.rule.last == "发现巡检记录造假，本项计0分。")
    }

    /// Example 1: 7 + 10 + 4 + 14 + 9 + 6 + 22 + 17.4 = 89.4 → 优秀.
    static let exampleOne: [ScorecardItemKey: ScorePoints] = [
        .requirementsAndManuals: 7, .training: 10, .meetingsAndReports: 4, .inspectionRate: 14,
        .emergencyPlans: 9, .deliverables: 6, .incidentTimeliness: 22, .userSatisfaction: p("17.4"),
    ]
    /// Example 2: 6 + 8 + 4 + 13 + 7.5 + 6 + 18 + 16 = 78.5 → 合格.
    static let exampleTwo: [ScorecardItemKey: ScorePoints] = [
        .requirementsAndManuals: 6, .training: 8, .meetingsAndReports: 4, .inspectionRate: 13,
        .emergencyPlans: p("7.5"), .deliverables: 6, .incidentTimeliness: 18, .userSatisfaction: 16,
    ]

    @Test("totals and grades (examples 1 and 2)")
    func totals() throws {
        let one = try Scorecard(scores: Self.exampleOne)
        #expect(one.total == p("89.4"))
        #expect(one.grade == .excellent)
        #expect(one.band(of: .training)?.grade == .excellent)       // 10 in 9–10
        #expect(one.band(of: .incidentTimeliness)?.grade == .excellent)  // 22 in 21–25
        #expect(one.band(of: .userSatisfaction)?.grade == .pass)     // 17.4 = 8.7 × 2: 6 ≤ 8.7 < 9
        let two = try Scorecard(scores: Self.exampleTwo)
        #expect(two.total == p("78.5"))
        #expect(two.grade == .pass)
        #expect(two.band(of: .emergencyPlans)?.grade == .pass)       // 7.5 in 6–8
        #expect(two.band(of: .inspectionRate)?.grade == nil)         // 13 in 12–14: the seed names no grade
        #expect(ScorecardItemKey.inspectionRate.definition.band(for: p("14.5")) == nil)   // between 12–14 and 15
    }

    @Test("grade boundaries: 85 is 优秀, 60 is 合格", arguments: [
        ("100", AssessmentGrade.excellent), ("85.0", .excellent), ("84.9", .pass),
        ("60.0", .pass), ("59.9", .fail), ("0", .fail),
    ])
    func boundaries(_ total: String, _ grade: AssessmentGrade) {
        #expect(AssessmentGrade.forTotal(p(total)) == grade)
    }

    @Test("a §3.5.3 event makes the month 不合格 whatever the score")
    func severeEventFails() throws {
        let card = try Scorecard(scores: Self.exampleOne, severeEvents: SevereEvents(p1RepairOverdue: 1))
        #expect(card.total == p("89.4"))
        #expect(card.gradeByScore == .excellent)
        #expect(card.grade == .fail)
    }

    @Test("validation: every item, within 0…max")
    func validation() {
        var missing = Self.exampleOne
        missing[.deliverables] = nil
        #expect(throws: EvaluationInputError.self) { try Scorecard(scores: missing) }
        var over = Self.exampleOne
        over[.inspectionRate] = p("15.1")
        #expect(throws: EvaluationInputError.self) { try Scorecard(scores: over) }
        var negative = Self.exampleOne
        negative[.training] = p("-0.5")
        #expect(throws: EvaluationInputError.self) { try Scorecard(scores: negative) }
        var atMax = Self.exampleOne
        atMax[.inspectionRate] = 15
        #expect((try? Scorecard(scores: atMax)) != nil)
        #expect(throws: EvaluationInputError.self) {
            try Scorecard(scores: Self.exampleOne, severeEvents: SevereEvents(securityIncidents: -1))
        }
    }

    @Test("§3.5.3 repair limits: more than 24 h (P1) and 72 h (P2)")
    func repairLimits() {
        #expect(!SevereEvents.isRepairOverdue(priority: .p1, repairSeconds: 24 * 3600))      // exactly 24 h: within
        #expect(SevereEvents.isRepairOverdue(priority: .p1, repairSeconds: 24 * 3600 + 1))
        #expect(!SevereEvents.isRepairOverdue(priority: .p2, repairSeconds: 72 * 3600))
        #expect(SevereEvents.isRepairOverdue(priority: .p2, repairSeconds: 72 * 3600 + 1))
        #expect(!SevereEvents.isRepairOverdue(priority: .p3, repairSeconds: 1_000_000))
        // 2 × 5 + 1 × 3 + 1 × 3 + 1 × 2 = 18 %
        #expect(SevereEvents(p1RepairOverdue: 2, p2RepairOverdue: 1, recoveredDataLosses: 1, securityIncidents: 1).penaltyPercent == 18)
    }
}

@Suite("Evaluation: objective items")
struct EvaluationObjectiveTests {
    /// (completed, planned, recordsDetailed, falsified, points). Example 4.
    @Test("巡检到位率", arguments: [
        (30, 30, true, false, 15),   // 100 % with detailed records
        (30, 30, false, false, 14),  // 100 % without detailed records: top of 12–14
        (19, 20, true, false, 12),   // exactly 95 %: (1900 − 1900)·3 / (5·20) = 0 → 12
        (96, 100, true, false, 12),  // (9600 − 9500)·3 / 500 = 0.6 → 12
        (29, 30, true, false, 13),   // 96.67 %: (2900 − 2850)·3 / (5·30) = 150/150 = 1 → 13
        (99, 100, true, false, 14),  // (9900 − 9500)·3 / 500 = 2.4 → 14
        (93, 100, true, false, 10),  // (9300 − 9000)·3 / 500 = 1.8 → 10
        (90, 100, true, false, 9),   // exactly 90 % → 9
        (85, 100, true, false, 8),   // 8500·9 / 9000 = 8.5 → 8
        (45, 100, true, false, 4),   // 4500·9 / 9000 = 4.5 → 4
        (0, 10, true, false, 0),
        (30, 30, true, true, 0),     // falsified: 0 whatever the rate
        (0, 0, true, false, 15),     // nothing planned: nothing missed
    ])
    func inspections(_ completed: Int, _ planned: Int, _ detailed: Bool, _ falsified: Bool, _ points: Int) throws {
        let s = try ObjectiveScoring.inspectionRate(completed: completed, planned: planned, recordsDetailed: detailed, falsified: falsified)
        #expect(s.points == ScorePoints(points))
        #expect(s.band.contains(s.points))
        #expect(s.item == .inspectionRate)
    }

    @Test("inspection counts must make sense")
    func inspectionValidation() {
        #expect(throws: EvaluationInputError.self) { try ObjectiveScoring.inspectionRate(completed: 31, planned: 30) }
        #expect(throws: EvaluationInputError.self) { try ObjectiveScoring.inspectionRate(completed: -1, planned: 30) }
    }

    /// (held, planned, materials complete, postponed not made up, operating error, points, grade)
    @Test("培训质量", arguments: [
        (2, 2, true, false, false, 10, AssessmentGrade.excellent),
        (2, 2, false, false, false, 8, .pass),  // 100 % but materials incomplete: top of 6–8
        (4, 5, true, false, false, 6, .pass),   // 80 %: (400 − 400)·3 / (20·5) = 0 → 6
        (9, 10, true, false, false, 7, .pass),  // 90 %: (900 − 800)·3 / 200 = 1.5 → 7
        (19, 20, true, false, false, 8, .pass), // 95 %: (1900 − 1600)·3 / 400 = 2.25 → 8
        (3, 5, true, false, false, 4, .fail),   // 60 %: 300·6 / (80·5) = 4.5 → 4
        (2, 2, true, false, true, 5, .fail),    // an operating error from missing training: top of 0–5
        (1, 2, true, true, false, 3, .fail),    // 50 %: 100·6 / 160 = 3.75 → 3
        (0, 0, true, false, false, 10, .excellent),
    ])
    func training(_ held: Int, _ planned: Int, _ materials: Bool, _ postponed: Bool, _ error: Bool, _ points: Int, _ grade: AssessmentGrade) throws {
        let s = try ObjectiveScoring.training(held: held, planned: planned, materialsComplete: materials,
                                              postponedWithoutMakeUp: postponed, operatingErrorFromTraining: error)
        #expect(s.points == ScorePoints(points))
        #expect(s.band.grade == grade)
    }

    /// (scheduled, on time, skipped without reason, reports due, late, serious data errors, points)
    @Test("会议及报告规范性", arguments: [
        (1, 1, 0, 6, 0, false, 5),   // everything on time
        (1, 0, 0, 6, 0, false, 4),   // the meeting held late: one lapse
        (1, 1, 0, 6, 1, false, 4),   // one late report
        (1, 1, 0, 6, 2, false, 3),   // two late reports: two lapses
        (2, 1, 0, 6, 1, false, 3),   // one meeting late + one report late
        (1, 1, 0, 6, 3, false, 2),   // three late reports: 「多次迟交」
        (1, 0, 1, 6, 0, false, 2),   // a meeting not held without reason
        (1, 1, 0, 6, 0, true, 2),    // data seriously wrong
    ])
    func meetings(_ scheduled: Int, _ onTime: Int, _ skipped: Int, _ due: Int, _ late: Int, _ errors: Bool, _ points: Int) throws {
        let s = try ObjectiveScoring.meetingsAndReports(meetingsScheduled: scheduled, meetingsOnTime: onTime,
                                                        meetingsSkippedWithoutReason: skipped, reportsDue: due,
                                                        reportsLate: late, seriousDataErrors: errors)
        #expect(s.points == ScorePoints(points))
        #expect(s.band.contains(s.points))
    }

    @Test("meeting counts must make sense")
    func meetingValidation() {
        #expect(throws: EvaluationInputError.self) {
            try ObjectiveScoring.meetingsAndReports(meetingsScheduled: 1, meetingsOnTime: 1, meetingsSkippedWithoutReason: 1, reportsDue: 1, reportsLate: 0)
        }
        #expect(throws: EvaluationInputError.self) {
            try ObjectiveScoring.meetingsAndReports(meetingsScheduled: 1, meetingsOnTime: 1, reportsDue: 1, reportsLate: 2)
        }
    }

    /// (on time, due, returned, points)
    @Test("交付物提交质量", arguments: [
        (10, 10, 0, 7),
        (10, 10, 2, 6),   // all on time, returned twice (≤ 3)
        (9, 10, 1, 5),    // 90 % on time: 「基本按时」
        (10, 10, 4, 4),   // returned 4 times > 3: top of 0–4
        (8, 10, 0, 4),    // 80 % < 90 %: 800·5 / (90·10) = 4.4 → 4
        (5, 10, 0, 2),    // 500·5 / 900 = 2.8 → 2
        (0, 0, 0, 7),     // nothing due
    ])
    func deliverables(_ onTime: Int, _ due: Int, _ returned: Int, _ points: Int) throws {
        let s = try ObjectiveScoring.deliverables(onTime: onTime, due: due, returnedForRevision: returned)
        #expect(s.points == ScorePoints(points))
        #expect(s.band.contains(s.points))
    }

    @Test("overrun classes: more than twice the target is severe")
    func overruns() {
        #expect(ObjectiveScoring.classifyOverrun(targetSeconds: 7200, actualSeconds: 7200, perceptibleEffect: true) == .withinSLA)
        #expect(ObjectiveScoring.classifyOverrun(targetSeconds: 7200, actualSeconds: 9000, perceptibleEffect: false) == .minor)
        #expect(ObjectiveScoring.classifyOverrun(targetSeconds: 7200, actualSeconds: 9000, perceptibleEffect: true) == .ordinary)
        #expect(ObjectiveScoring.classifyOverrun(targetSeconds: 7200, actualSeconds: 14_400, perceptibleEffect: false) == .minor)
        #expect(ObjectiveScoring.classifyOverrun(targetSeconds: 7200, actualSeconds: 14_401, perceptibleEffect: false) == .severe)
    }

    /// Example 5 and its neighbours. (counts, points, grade)
    @Test("故障响应及时性 (P3/P4)", arguments: [
        (TimelinessCounts(incidents: 40, withinSLA: 40), 25, AssessmentGrade.excellent),
        // 1 minor of 40 = 2.5 % ≤ 5 %: 优秀; r = 97.5 %: (3900 − 3800)·4 / (5·40) = 2 → 23
        (TimelinessCounts(incidents: 40, withinSLA: 39, minorOverruns: 1), 23, .excellent),
        // 3 minor = 7.5 % > 5 %: 合格; r = 92.5 %: (3700 − 3200)·8 / (20·40) = 5 → 18
        (TimelinessCounts(incidents: 40, withinSLA: 37, minorOverruns: 3), 18, .pass),
        // one severe overrun is not 「多次」: 合格; r = 95 %: (3800 − 3200)·8 / 800 = 6 → 19
        (TimelinessCounts(incidents: 40, withinSLA: 38, minorOverruns: 1, severeOverruns: 1), 19, .pass),
        // two severe overruns: 不合格, r ≥ 80 % → top of 0–12
        (TimelinessCounts(incidents: 40, withinSLA: 38, severeOverruns: 2), 12, .fail),
        // r = 50 %: 2000·13 / (80·40) = 8.1 → 8
        (TimelinessCounts(incidents: 40, withinSLA: 20), 8, .fail),
        (TimelinessCounts(incidents: 40, withinSLA: 40, formalComplaints: 1), 12, .fail),
        (TimelinessCounts(incidents: 40, withinSLA: 40, informalComplaints: 1), 20, .pass),
        (TimelinessCounts(incidents: 40, withinSLA: 40, records: .minorGaps), 20, .pass),
        (TimelinessCounts(incidents: 40, withinSLA: 40, records: .deficient), 12, .fail),
        (TimelinessCounts(incidents: 0, withinSLA: 0), 25, .excellent),
    ])
    func timeliness(_ counts: TimelinessCounts, _ points: Int, _ grade: AssessmentGrade) throws {
        let s = try ObjectiveScoring.incidentTimeliness(counts)
        #expect(s.points == ScorePoints(points))
        #expect(s.band.grade == grade)
        #expect(s.band.contains(s.points))
    }

    @Test("timeliness counts must add up")
    func timelinessValidation() {
        #expect(throws: EvaluationInputError.self) {
            try ObjectiveScoring.incidentTimeliness(TimelinessCounts(incidents: 10, withinSLA: 9, minorOverruns: 1, severeOverruns: 1))
        }
    }

    @Test("attendance is a rate beside the scorecard")
    func attendance() throws {
        let r = try ObjectiveScoring.attendanceRate(presentPersonDays: 62, scheduledPersonDays: 66)
        #expect(r.percentTenths == 939)   // 62/66 = 93.94 %
        #expect(throws: EvaluationInputError.self) { try ObjectiveScoring.attendanceRate(presentPersonDays: 67, scheduledPersonDays: 66) }
    }

    @Test("every suggestion lies in its band", arguments: 0...40)
    func suggestionsInBand(_ done: Int) throws {
        for s in [try ObjectiveScoring.inspectionRate(completed: done, planned: 40),
                  try ObjectiveScoring.training(held: done, planned: 40),
                  try ObjectiveScoring.deliverables(onTime: done, due: 40, returnedForRevision: 0),
                  try ObjectiveScoring.incidentTimeliness(TimelinessCounts(incidents: 40, withinSLA: done))] {
            #expect(s.band.contains(s.points), "\(s.item) \(done)/40")
            #expect(s.points <= s.item.definition.maximum)
        }
    }
}

@Suite("Evaluation: the annex 2 satisfaction survey")
struct EvaluationSurveyTests {
    static func response(_ department: String, _ s: [Int]) throws -> SatisfactionResponse {
        try SatisfactionResponse(department: department, scores: Dictionary(uniqueKeysWithValues: zip(SatisfactionDimension.allCases, s)))
    }

    @Test("the form: five dimensions of 10 points")
    func form() {
        #expect(SatisfactionDimension.allCases.map(\.name) == ["响应速度", "服务态度", "技术能力", "沟通协调", "问题解决效果"])
        #expect(SatisfactionDimension.allCases.count * SatisfactionDimension.maxPoints == 50)
        for d in SatisfactionDimension.allCases {
            #expect(d.rubric.map(\.points) == [10...10, 8...9, 6...7, 4...5, 1...3])
        }
    }

    @Test("one department: subtotal and the mean of five")
    func oneResponse() throws {
        let r = try Self.response("呼吸科", [9, 9, 8, 9, 8])
        #expect(r.subtotal == 43)            // 9 + 9 + 8 + 9 + 8
        #expect(r.score == p("8.6"))         // 43 / 5
        #expect(r.grade == .pass)            // 6 ≤ 8.6 < 9
        #expect(try Self.response("检验科", [10, 9, 9, 9, 9]).grade == .excellent)   // 46 / 5 = 9.2
        #expect(try Self.response("放射科", [9, 9, 9, 9, 9]).grade == .excellent)    // exactly 9.0
        #expect(try Self.response("药剂科", [6, 6, 6, 6, 5]).grade == .fail)         // 29 / 5 = 5.8
        #expect(try Self.response("门诊部", [6, 6, 6, 6, 6]).grade == .pass)         // exactly 6.0
    }

    /// Example 6: (8.6 + 9.2 + 7.8) / 3 = 25.6 / 3 = 8.533 → 8.5; × 2 = 17.0.
    @Test("departments' mean × 2 is the scorecard item (example 6)")
    func scorecardItem() throws {
        let responses = [
            try Self.response("呼吸科", [9, 9, 8, 9, 8]),    // 43 → 8.6
            try Self.response("检验科", [10, 9, 9, 9, 9]),   // 46 → 9.2
            try Self.response("结核科", [8, 8, 7, 8, 8]),    // 39 → 7.8
        ]
        #expect(try SatisfactionSurvey.departmentMean(responses) == p("8.5"))
        let s = try ObjectiveScoring.userSatisfaction(responses)
        #expect(s.points == 17)
        #expect(s.band.grade == .pass)
        // (8.6 + 8.6 + 8.6 + 8.8) / 4 = 34.6 / 4 = 8.65 → 8.7 (half up); × 2 = 17.4
        let halfUp = [try Self.response("A", [9, 9, 8, 9, 8]), try Self.response("B", [9, 9, 8, 9, 8]),
                      try Self.response("C", [9, 9, 8, 9, 8]), try Self.response("D", [9, 9, 9, 9, 8])]
        #expect(try SatisfactionSurvey.departmentMean(halfUp) == p("8.7"))
        #expect(try ObjectiveScoring.userSatisfaction(halfUp).points == p("17.4"))
        // (9.2 + 9.0) / 2 = 9.1 → 18.2, 优秀
        let excellent = [try Self.response("A", [10, 9, 9, 9, 9]), try Self.response("B", [9, 9, 9, 9, 9])]   // 9.2, 9.0 → 9.1
        #expect(try ObjectiveScoring.userSatisfaction(excellent).points == p("18.2"))
        #expect(try ObjectiveScoring.userSatisfaction(excellent).band.grade == .excellent)
    }

    @Test("validation")
    func validation() throws {
        #expect(throws: EvaluationInputError.self) { try Self.response("呼吸科", [0, 9, 9, 9, 9]) }
        #expect(throws: EvaluationInputError.self) { try Self.response("呼吸科", [11, 9, 9, 9, 9]) }
        #expect(throws: EvaluationInputError.self) { try Self.response("呼吸科", [9, 9, 9, 9]) }
        #expect(throws: EvaluationInputError.self) { try Self.response(" ", [9, 9, 9, 9, 9]) }
        #expect(throws: EvaluationInputError.self) { try SatisfactionSurvey.departmentMean([]) }
        let twice = [try Self.response("呼吸科", [9, 9, 9, 9, 9]), try Self.response("呼吸科", [8, 8, 8, 8, 8])]
        #expect(throws: EvaluationInputError.self) { try SatisfactionSurvey.departmentMean(twice) }
    }
}

@Suite("Evaluation: payment")
struct EvaluationPaymentTests {
    static let hundredThousand = yuan("100000.00")
    static let contract = yuan("200000.00")

    /// Example 2 / 3. (score, deduction, pay) on ¥100,000.00.
    @Test("§3.5.2 score formula and its boundaries", arguments: [
        ("100", "0.00", "100000.00"),
        ("85.0", "0.00", "100000.00"),          // ≥ 85: full
        ("84.9", "80.00", "99920.00"),          // 100000 × 0.1 × 0.8 % = 80
        ("78.5", "5200.00", "94800.00"),        // 100000 × 6.5 × 0.8 % = 5200
        ("60.0", "20000.00", "80000.00"),       // 100000 × 25 × 0.8 % = 20000
        ("59.9", "100000.00", "0.00"),          // < 60: not paid
        ("0", "100000.00", "0.00"),
    ])
    func formula(_ score: String, _ deduction: String, _ pay: String) throws {
        let s = try PaymentRules.settle(plannedAmount: Self.hundredThousand, contractTotal: Self.contract, score: p(score))
        #expect(s.scoreDeduction == yuan(deduction))
        #expect(s.payable == yuan(pay))
        #expect(s.unrecovered == .zero)
        #expect(s.charges == .zero)
    }

    @Test("rounding half up to the fen (example 14)")
    func rounding() {
        // ¥33,333.33 at 77.7: 3 333 333 fen × (850 − 777) × 8 / 10 000 = 3 333 333 × 584 / 10 000
        // = 1 946 666 472 / 10 000 = 194 666.6472 → 194 667 fen = ¥1,946.67; pay ¥31,386.66
        let amount = yuan("33333.33")
        #expect(PaymentRules.scoreDeduction(on: amount, score: p("77.7")) == yuan("1946.67"))
        #expect(amount - PaymentRules.scoreDeduction(on: amount, score: p("77.7")) == yuan("31386.66"))
        // ¥6.25 at 84.9: 625 × 8 / 10 000 = 0.5 fen → 1 fen
        #expect(PaymentRules.scoreDeduction(on: yuan("6.25"), score: p("84.9")) == Money(fen: 1))
    }

    /// Example 7: the 35 % progress payment of a ¥200,000 contract, six-month score 80.0, one P1 repaired
    /// after more than 24 h and one security incident.
    /// deduction 70000 × (85 − 80) × 0.8 % = 2800; charges (5 % + 2 %) × 200000 = 14000; pay 70000 − 2800 − 14000 = 53200.
    @Test("§3.5.3 charges are of the contract total and stack (example 7)")
    func charges() throws {
        let events = SevereEvents(p1RepairOverdue: 1, securityIncidents: 1)
        let s = try PaymentRules.settle(plannedAmount: yuan("70000"), contractTotal: Self.contract, score: 80, events: events)
        #expect(s.scoreDeduction == yuan("2800.00"))
        #expect(s.chargePercent == 7)
        #expect(s.charges == yuan("14000.00"))
        #expect(s.payable == yuan("53200.00"))
        #expect(s.grade == .fail)
        // Every kind at once: 2 × 5 + 3 + 3 + 2 = 18 % of 200000 = 36000
        let all = SevereEvents(p1RepairOverdue: 2, p2RepairOverdue: 1, recoveredDataLosses: 1, securityIncidents: 1)
        #expect(PaymentRules.charges(contractTotal: Self.contract, events: all) == yuan("36000.00"))
    }

    @Test("withholding the period fee instead, and charges the payment cannot cover")
    func withholding() throws {
        let events = SevereEvents(p1RepairOverdue: 1, securityIncidents: 1)
        let w = try PaymentRules.settle(plannedAmount: yuan("70000"), contractTotal: Self.contract, score: 80, events: events,
                                        policy: .withholdPeriodFee)
        #expect(w.scoreDeduction == yuan("70000"))
        #expect(w.payable == .zero)
        #expect(w.unrecovered == yuan("14000"))   // 70000 − 70000 − 14000 = −14000
        // Below 60 with a recovered data loss: nothing paid, 3 % of 200000 = 6000 left over.
        let low = try PaymentRules.settle(plannedAmount: yuan("70000"), contractTotal: Self.contract, score: p("55.5"),
                                          events: SevereEvents(recoveredDataLosses: 1))
        #expect(low.payable == .zero)
        #expect(low.unrecovered == yuan("6000"))
        // Charges above the payment: score 90 → no deduction; 4 P1 = 4 × 5 % = 20 % of 200000 = 40000 > 30000.
        let big = try PaymentRules.settle(plannedAmount: yuan("30000"), contractTotal: Self.contract, score: 90,
                                          events: SevereEvents(p1RepairOverdue: 4))
        #expect(big.payable == .zero)
        #expect(big.unrecovered == yuan("10000"))
    }

    @Test("the final payment with an audit deduction")
    func finalPayment() throws {
        // annual 86.3 ≥ 85: full 100000 − audit 1500 = 98500
        let s = try PaymentRules.settle(plannedAmount: yuan("100000"), contractTotal: Self.contract, score: p("86.3"),
                                        auditDeduction: yuan("1500"))
        #expect(s.payable == yuan("98500.00"))
        #expect(s.grade == .excellent)
    }

    /// Example 8: six monthly totals 82.0, 88.5, 79.0, 90.0, 76.5, 85.0 → 501.0 / 6 = 83.5;
    /// 70000 × 1.5 × 0.8 % = 840; pay 69160.
    @Test("a period from its scorecards: mean of the months (example 8)")
    func fromScorecards() throws {
        let cards = try ["82.0", "88.5", "79.0", "90.0", "76.5", "85.0"].map { try Self.card(total: p($0)) }
        #expect(cards.map(\.total) == ["82.0", "88.5", "79.0", "90.0", "76.5", "85.0"].map(p))
        let s = try PaymentRules.settle(plannedAmount: yuan("70000"), contractTotal: Self.contract, scorecards: cards)
        #expect(s.score == p("83.5"))
        #expect(s.scoreDeduction == yuan("840.00"))
        #expect(s.payable == yuan("69160.00"))
        // The same months with a P2 repaired late in one of them: + 3 % of 200000 = 6000 → 63160
        var withEvent = cards
        withEvent[2] = try Scorecard(scores: cards[2].scores, severeEvents: SevereEvents(p2RepairOverdue: 1))
        let e = try PaymentRules.settle(plannedAmount: yuan("70000"), contractTotal: Self.contract, scorecards: withEvent)
        #expect(e.payable == yuan("63160.00"))
        #expect(throws: EvaluationInputError.self) {
            try PaymentRules.settle(plannedAmount: yuan("70000"), contractTotal: Self.contract, scorecards: [])
        }
    }

    @Test("§3.2 instalments: 15 % / 35 % / 50 %")
    func instalments() {
        let plan = PaymentRules.seed002Instalments(contractTotal: Self.contract)
        #expect(plan.map(\.amount) == [yuan("30000"), yuan("70000"), yuan("100000")])
        #expect(plan.map(\.percent) == [15, 35, 50])
        // ¥1,000.01: 15 % = 15 000.15 fen → 15 000; 35 % = 35 000.35 → 35 000; the rest 50 001
        let odd = PaymentRules.seed002Instalments(contractTotal: yuan("1000.01"))
        #expect(odd.map(\.amount.fen) == [15_000, 35_000, 50_001])
    }

    @Test("settlement input validation")
    func validation() {
        #expect(throws: EvaluationInputError.self) {
            try PaymentRules.settle(plannedAmount: yuan("-1"), contractTotal: Self.contract, score: 90)
        }
        #expect(throws: EvaluationInputError.self) {
            try PaymentRules.settle(plannedAmount: yuan("1"), contractTotal: Self.contract, score: p("100.1"))
        }
    }

    /// A valid scorecard with the given total: every item at its maximum, the shortfall taken from 故障响应及时性
    /// and then 用户满意度.
    static func card(total: ScorePoints, events: SevereEvents = .none) throws -> Scorecard {
        var scores = Dictionary(uniqueKeysWithValues: ScorecardTemplate.items.map { ($0.key, $0.maximum) })
        var shortfall = ScorecardTemplate.maxTotal - total
        for key in [ScorecardItemKey.incidentTimeliness, .userSatisfaction, .inspectionRate] where shortfall > .zero {
            let take = min(shortfall, scores[key]!)
            scores[key] = scores[key]! - take
            shortfall = shortfall - take
        }
        return try Scorecard(scores: scores, severeEvents: events)
    }
}

@Suite("Evaluation: serious breach (§3.5.4 (4))")
struct EvaluationBreachTests {
    static func months(_ start: String, _ pattern: String) -> [MonthlyResult] {
        // pattern: F failed, P passed, - not assessed
        pattern.enumerated().compactMap { i, c in
            c == "-" ? nil : MonthlyResult(month: ym(start).advanced(by: i), failed: c == "F")
        }
    }

    /// Example 9. (pattern from 2026-01, warning, confirmed, failed, assessed)
    @Test("sequences", arguments: [
        ("FFF", true, true, 3, 3),                  // three in a row
        ("PFFF", true, true, 3, 4),
        ("FFPF", true, false, 3, 4),                // 3/4 = 75 % ≥ 40 % so far; 3 < 40 % of 12 = 4.8
        ("FF-F", true, false, 3, 3),                // a month without assessment breaks the run
        ("PPFPP", false, false, 1, 5),              // 1/5 = 20 %
        ("PPFPF", true, false, 2, 5),               // 2/5 = 40 % exactly: warning
        ("PPPPFPPPFPPF", false, false, 3, 12),      // 3/12 = 25 %
        ("FPFPFPFPF", true, true, 5, 9),            // 5/9 = 55.6 %; 5 ≥ 4.8 of 12: certain
        ("PPPPPPPPPPPP", false, false, 0, 12),
        ("F", true, false, 1, 1),                   // 1/1 = 100 % of the months so far
        ("", false, false, 0, 0),
    ])
    func sequences(_ pattern: String, _ warning: Bool, _ confirmed: Bool, _ failed: Int, _ assessed: Int) throws {
        let c = try SeriousBreachRules.check(Self.months("2026-01", pattern))
        #expect(c.warning == warning, "\(pattern)")
        #expect(c.confirmed == confirmed, "\(pattern)")
        #expect(c.failedMonths == failed)
        #expect(c.assessedMonths == assessed)
    }

    @Test("which months, and the run at the end")
    func details() throws {
        let c = try SeriousBreachRules.check(Self.months("2026-10", "PFFFP"))   // crosses the year end
        #expect(c.threeInARow == [ym("2026-11"), ym("2026-12"), ym("2027-01")])
        #expect(c.trailingFailRun == 0)
        let d = try SeriousBreachRules.check(Self.months("2026-01", "PPFF"))
        #expect(d.threeInARow == nil)
        #expect(d.trailingFailRun == 2)          // one more failing month is a breach
        #expect(d.failShare == Ratio(2, of: 4))  // 50 %
        #expect(d.shareReachedSoFar)
        #expect(!d.shareCertainForYear)          // 2 < 4.8
    }

    @Test("a scorecard's month fails by its grade")
    func fromScorecards() throws {
        let ok = try EvaluationPaymentTests.card(total: 90)
        let severe = try EvaluationPaymentTests.card(total: 90, events: SevereEvents(securityIncidents: 1))
        let low = try EvaluationPaymentTests.card(total: p("59.9"))
        let results = [MonthlyResult(month: ym("2026-01"), scorecard: low),
                       MonthlyResult(month: ym("2026-02"), scorecard: severe),
                       MonthlyResult(month: ym("2026-03"), scorecard: low),
                       MonthlyResult(month: ym("2026-04"), scorecard: ok)]
        #expect(results.map(\.failed) == [true, true, true, false])
        #expect(try SeriousBreachRules.check(results).confirmed)
    }

    @Test("a month twice or more than a year is refused")
    func validation() {
        #expect(throws: EvaluationInputError.self) {
            try SeriousBreachRules.check([MonthlyResult(month: ym("2026-01"), failed: true), MonthlyResult(month: ym("2026-01"), failed: false)])
        }
        #expect(throws: EvaluationInputError.self) {
            try SeriousBreachRules.check([MonthlyResult(month: ym("2026-01"), failed: true), MonthlyResult(month: ym("2027-01"), failed: false)])
        }
        #expect((try? SeriousBreachRules.check([MonthlyResult(month: ym("2026-01"), failed: true), MonthlyResult(month: ym("2026-12"), failed: false)])) != nil)
    }
}

@Suite("Evaluation: downtime accounting (seed 003)")
struct EvaluationDowntimeTests {
    static func outage(_ system: String, _ from: String, _ to: String, kind: InterruptionKind = .outage, wide: Bool = false) -> Interruption {
        Interruption(system: system, kind: kind, start: at(from), end: at(to), hospitalWide: wide)
    }

    static func report(_ list: [Interruption], from: String = "2026-01", months: Int = 12) throws -> SystemDowntimeReport {
        let reports = try DowntimeAccounting.report(list, firstMonth: ym(from), months: months)
        #expect(reports.count == 1)
        return reports[0]
    }

    @Test("month boundaries are Shanghai midnight")
    func boundaries() {
        // 2026-04-01T00:00+08:00 = 2026-03-31T16:00Z
        #expect(DowntimeAccounting.monthStart(ym("2026-04")) == (20_543 * 86_400) + 16 * 3600)   // 2026-03-31 is day 20 543
        #expect(DowntimeAccounting.monthStart(ym("2026-04")) == epoch("2026-04-01T00:00"))
        #expect(DowntimeAccounting.month(containing: epoch("2026-03-31T23:59:59")) == ym("2026-03"))
        #expect(DowntimeAccounting.month(containing: epoch("2026-04-01T00:00")) == ym("2026-04"))
        #expect(DowntimeAccounting.minutesRoundedUp(3600) == 60)
        #expect(DowntimeAccounting.minutesRoundedUp(3601) == 61)
    }

    /// Example 10: 09:00–09:20 and 09:10–09:40 merge into 40 min; with 14:00–14:30, March has 70 min > 60.
    @Test("overlaps merge; a month above 60 minutes is a breach (example 10)")
    func merging() throws {
        let r = try Self.report([
            Self.outage("HIS", "2026-03-10T09:00", "2026-03-10T09:20"),
            Self.outage("HIS", "2026-03-10T09:10", "2026-03-10T09:40"),
            Self.outage("HIS", "2026-03-10T14:00", "2026-03-10T14:30"),
        ])
        #expect(r.outages.map(\.minutes) == [40, 30])
        #expect(r.outages.map(\.records) == [2, 1])
        let march = r.months[2]
        #expect(march.month == ym("2026-03"))
        #expect(march.outageSeconds == 4200)   // 40 + 30 = 70 min
        #expect(march.outageMinutes == 70)
        #expect(march.outagesStarted == 2)
        #expect(r.breaches == [.monthlyOutageTime(month: ym("2026-03"), seconds: 4200)])
        #expect(r.breaches[0].clause == "2.5")
        #expect(r.outageCount == 2)
    }

    /// Example 11: 2026-03-31 23:30 → 04-01 00:50 is 80 min: 30 in March, 50 in April, counted once in March,
    /// longer than 60 min.
    @Test("an outage across months splits its minutes (example 11)")
    func monthSplit() throws {
        let r = try Self.report([Self.outage("PACS", "2026-03-31T23:30", "2026-04-01T00:50")])
        #expect(r.months[2].outageMinutes == 30)
        #expect(r.months[3].outageMinutes == 50)
        #expect(r.months[2].outagesStarted == 1)
        #expect(r.months[3].outagesStarted == 0)
        #expect(r.outageSeconds == 4800)
        #expect(r.breaches == [.outageTooLong(start: epoch("2026-03-31T23:30"), seconds: 4800)])
    }

    @Test("exactly one hour is within the limit; touching records merge")
    func exactlyOneHour() throws {
        let r = try Self.report([
            Self.outage("LIS", "2026-05-06T10:00", "2026-05-06T10:30"),
            Self.outage("LIS", "2026-05-06T10:30", "2026-05-06T11:00"),   // touches: one outage of 60 min
        ])
        #expect(r.outages.count == 1)
        #expect(r.outages[0].seconds == 3600)
        #expect(r.breaches.isEmpty)
        let over = try Self.report([Self.outage("LIS", "2026-05-06T10:00:00", "2026-05-06T11:00:01")])
        // 3601 s: the outage and the month are both above 1 h
        #expect(over.breaches == [.outageTooLong(start: epoch("2026-05-06T10:00"), seconds: 3601),
                                  .monthlyOutageTime(month: ym("2026-05"), seconds: 3601)])
    }

    /// Example 12: four 10-minute outages in a year: the third and the fourth are breaches.
    @Test("more than two outages a year (example 12)")
    func yearlyCount() throws {
        let r = try Self.report([
            Self.outage("EMR", "2026-01-15T08:00", "2026-01-15T08:10"),
            Self.outage("EMR", "2026-03-15T08:00", "2026-03-15T08:10"),
            Self.outage("EMR", "2026-06-15T08:00", "2026-06-15T08:10"),
            Self.outage("EMR", "2026-09-15T08:00", "2026-09-15T08:10"),
        ])
        #expect(r.outageCount == 4)
        #expect(r.breaches == [.tooManyOutages(start: epoch("2026-06-15T08:00"), ordinal: 3),
                               .tooManyOutages(start: epoch("2026-09-15T08:00"), ordinal: 4)])
    }

    /// Example 13: department-level impacts on 05-08, 05-20 (two in May), 07-02 (third of the year, 61 min).
    @Test("department-level impacts: one a month, two a year, one hour each (example 13)")
    func departmentImpacts() throws {
        let r = try Self.report([
            Self.outage("HIS", "2026-05-08T10:00", "2026-05-08T10:10", kind: .departmentImpact),
            Self.outage("HIS", "2026-05-20T15:00", "2026-05-20T15:20", kind: .departmentImpact),
            Self.outage("HIS", "2026-07-02T09:00", "2026-07-02T10:01", kind: .departmentImpact),
        ])
        #expect(r.outageCount == 0)
        #expect(r.departmentImpactCount == 3)
        #expect(r.months[4].departmentImpactsStarted == 2)
        #expect(r.months[4].departmentImpactSeconds == 1800)   // 10 + 20 min
        #expect(r.breaches == [
            .tooManyDepartmentImpactsInMonth(month: ym("2026-05"), start: epoch("2026-05-20T15:00"), ordinal: 2),
            .departmentImpactTooLong(start: epoch("2026-07-02T09:00"), seconds: 3660),
            .tooManyDepartmentImpactsInYear(start: epoch("2026-07-02T09:00"), ordinal: 3),
        ])
        #expect(r.breaches.allSatisfy { $0.clause == "2.6" })
    }

    @Test("hospital-wide outages: fewer than two a year (§4.1)")
    func hospitalWide() throws {
        let r = try Self.report([
            Self.outage("HIS", "2026-02-01T08:00", "2026-02-01T08:20", wide: true),
            Self.outage("HIS", "2026-08-01T08:00", "2026-08-01T08:20", wide: true),
        ])
        #expect(r.breaches == [.tooManyHospitalWideOutages(start: epoch("2026-08-01T08:00"), ordinal: 2)])
        #expect(r.breaches[0].clause == "4.1")
    }

    @Test("the window clips; an outage that began before it is not counted in it")
    func clipping() throws {
        let r = try Self.report([Self.outage("HIS", "2025-12-31T23:40", "2026-01-01T00:20")], from: "2026-01", months: 3)
        #expect(r.months.map(\.month) == [ym("2026-01"), ym("2026-02"), ym("2026-03")])
        #expect(r.months[0].outageMinutes == 20)
        #expect(r.outageCount == 0)
        #expect(r.outages.count == 1)       // listed: it overlaps the window
        #expect(r.breaches.isEmpty)
        let after = try DowntimeAccounting.report([Self.outage("HIS", "2026-04-01T00:00", "2026-04-01T02:00")], firstMonth: ym("2026-01"), months: 3)
        #expect(after[0].outages.isEmpty)   // April is outside January…March
        #expect(after[0].breaches.isEmpty)
    }

    @Test("systems are accounted separately, kinds are not merged together")
    func systems() throws {
        let reports = try DowntimeAccounting.report([
            Self.outage("LIS", "2026-03-10T09:00", "2026-03-10T09:40"),
            Self.outage("HIS", "2026-03-10T09:20", "2026-03-10T10:00"),
            Self.outage("HIS", "2026-03-10T09:30", "2026-03-10T09:50", kind: .departmentImpact),
        ], firstMonth: ym("2026-01"))
        #expect(reports.map(\.system) == ["HIS", "LIS"])
        #expect(reports[0].outageSeconds == 2400)
        #expect(reports[0].months[2].departmentImpactSeconds == 1200)
        #expect(reports[1].outageSeconds == 2400)
        #expect(reports.allSatisfy { $0.breaches.isEmpty })
    }

    @Test("bad input")
    func validation() {
        #expect(throws: EvaluationInputError.self) {
            try DowntimeAccounting.report([Self.outage("HIS", "2026-03-10T10:00", "2026-03-10T09:00")], firstMonth: ym("2026-01"))
        }
        #expect(throws: EvaluationInputError.self) { try DowntimeAccounting.report([], firstMonth: ym("2026-01"), months: 0) }
        #expect((try? DowntimeAccounting.report([], firstMonth: ym("2026-01")))?.isEmpty == true)
        // A zero-length record is dropped.
        #expect((try? Self.report([Self.outage("HIS", "2026-03-10T10:00", "2026-03-10T10:00")]))?.outages.isEmpty == true)
    }
}
