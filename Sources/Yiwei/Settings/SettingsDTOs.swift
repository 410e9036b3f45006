import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// The matrix as the API shows it: urgency → impact → priority, with API.md's spellings.
struct PriorityMatrixDTO: Content, Equatable {
    var cells: [String: [String: String]]
}
