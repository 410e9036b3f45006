import Fluent
import Foundation
import Yiwei
import YiweiCore

/// A little of each register for the demo hospital: last month's satisfaction survey of the on-site vendor
/// (three of four departments answered), this month's deliverables and the on-site roster with attendance
/// up to yesterday. Called by `DemoSeeder` inside its transaction.
enum EvaluationDemo {
    static func seed(on db: any Database, now: Date, timeZone: TimeZone) async throws -> String {
        guard let vendor = try await Vendor.query(on: db).filter(\.$name == "广州智医信息技术有限公司").first(), let vendorId = vendor.id,
              let lead = try await User.query(on: db).filter(\.$username == "liuzhiyuan").first()?.id else { return "" }
        let month = EvaluationCalendar.month(of: now, timeZone: timeZone)
        let today = EvaluationCalendar.day(of: now, timeZone: timeZone)

        // 满意度调查: last month, four departments; the reporters of three have answered.
        let survey = SatisfactionSurveyRecord()
        survey.vendorId = vendorId; survey.month = month.advanced(by: -1).description; survey.status = "open"; survey.startedBy = lead
        survey.createdAt = now
        try await survey.create(on: db)
        let answers: [(String, String?, [Int], String?)] = [
            ("心血管内科", "zhangwei", [9, 9, 8, 9, 8], "夜间报修响应很快，工程师态度好。"),
            ("呼吸与危重症医学科", "wangfang", [10, 9, 9, 9, 9], nil),
            ("急诊科", "li.na", [8, 8, 7, 8, 8], "偶有需要反复催促的情况。"),
            ("重症医学科(EICU)", nil, [], nil),
        ]
        for (name, username, scores, comment) in answers {
            guard let department = try await Department.query(on: db).filter(\.$name == name).first()?.id else { continue }
            let asked = SurveyDepartment()
            asked.surveyId = try survey.requireID(); asked.departmentId = department
            try await asked.create(on: db)
            guard let username, let user = try await User.query(on: db).filter(\.$username == username).first()?.id else { continue }
            let a = SurveyAnswer()
            a.surveyId = try survey.requireID(); a.departmentId = department; a.respondentId = user
            a.responseSpeed = scores[0]; a.serviceAttitude = scores[1]; a.technicalCompetence = scores[2]; a.communication = scores[3]
            a.resolutionEffect = scores[4]; a.comment = comment; a.submittedAt = now
            try await a.create(on: db)
        }

        // 交付物台账: this month's monthly report (due the 5th) and minutes, with the first submitted on time.
        let days = EvaluationCalendar.days(of: month)
        let items: [(DeliverableType, String, String, Bool)] = [
            (.monthlyReport, "月运维报告（\(month.advanced(by: -1).year)年\(month.advanced(by: -1).month)月）", days[4], true),
            (.inspectionReport, "核心系统月度巡检报告", days[9], false),
            (.meetingMinutes, "\(month.month)月运维例会会议纪要", days[days.count - 3], false),
            (.emergencyPlan, "HIS系统应急预案（\(month.year)版）", days[days.count - 1], false),
        ]
        for (type, title, due, submitted) in items {
            let d = Deliverable()
            d.vendorId = vendorId; d.type = type.rawValue; d.title = title; d.period = month.description; d.dueDate = due
            d.dueEndAt = EvaluationCalendar.end(of: due, timeZone: timeZone)!
            d.status = DeliverableStatus.pending.rawValue; d.returnedCount = 0; d.createdBy = lead; d.createdAt = now; d.updatedAt = now
            if submitted && due <= today {
                // Recorded as submitted on its due day, without a file (the demo has none to show).
                let at = EvaluationCalendar.start(of: due, timeZone: timeZone)!.addingTimeInterval(10 * 3600)
                d.status = DeliverableStatus.accepted.rawValue; d.firstSubmittedAt = at; d.lastSubmittedAt = at; d.onTime = true
                d.acceptedAt = at.addingTimeInterval(3600); d.acceptedBy = lead
            }
            try await d.create(on: db)
            let e = DeliverableEvent()
            e.deliverableId = try d.requireID(); e.action = "create"; e.actorId = lead; e.at = now
            try await e.create(on: db)
        }

        // 驻场考勤: three engineers on weekdays; attendance recorded up to yesterday, one covered leave.
        var staff: [UUID] = []
        let account = try await User.query(on: db).filter(\.$username == "chenzhiqiang").first()?.id
        for (name, post, user) in [("陈志强", "软件开发工程师", account), ("刘洋", "项目管理工程师", nil), ("周涛", "网络及信息安全工程师", nil)] {
            let s = OnsiteStaff()
            s.vendorId = vendorId; s.userId = user; s.name = name; s.post = post; s.isActive = true; s.createdAt = now
            try await s.create(on: db)
            staff.append(try s.requireID())
        }
        var recorded = 0
        for (index, id) in staff.enumerated() {
            for day in days where EvaluationCalendar.weekday(of: day) <= 5 {
                let row = AttendanceDay()
                row.staffId = id; row.vendorId = vendorId; row.day = day; row.updatedBy = lead; row.updatedAt = now
                row.status = day < today ? AttendanceStatus.present.rawValue : AttendanceStatus.scheduled.rawValue
                if day < today && index == 1 && recorded == 3 { row.status = AttendanceStatus.leaveReplaced.rawValue; row.replacement = "王磊" }
                if day < today && index == 1 { recorded += 1 }
                try await row.create(on: db)
            }
        }
        return "1 satisfaction survey, \(items.count) deliverables, \(staff.count) on-site engineers"
    }
}
