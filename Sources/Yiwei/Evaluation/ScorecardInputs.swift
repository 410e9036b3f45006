import Fluent
import Foundation
import YiweiCore

/// The survey, deliverable and attendance figures of a vendor's month, read through `EvaluationInputs`
/// (the registers' own module), with the links a scorecard shows as evidence.
enum ScorecardInputsSource {
    struct Figures {
        var survey: [SatisfactionResponse]
        var deliverables: (due: Int, onTime: Int, returnedForRevision: Int, ids: [UUID])
        var attendance: (scheduled: Int, present: Int)
        var surveyHref: String
        var deliverablesHref: String
        var attendanceHref: String
    }

    static func load(vendorId: UUID, month: YearMonth, on db: any Database) async throws -> Figures {
        let query = "vendorId=\(vendorId)&month=\(month)"
        return Figures(survey: try await EvaluationInputs.surveyResponses(vendorId: vendorId, month: month, on: db),
                       deliverables: try await EvaluationInputs.deliverables(vendorId: vendorId, month: month, on: db),
                       attendance: try await EvaluationInputs.attendance(vendorId: vendorId, month: month, on: db),
                       surveyHref: "/surveys?month=\(month)", deliverablesHref: "/evaluation/deliverables?\(query)",
                       attendanceHref: "/evaluation/attendance?\(query)")
    }
}
