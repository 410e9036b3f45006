import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct CreateScorecards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("scorecards")
            .id()
            .field("vendor_id", .uuid, .required, .references("vendors", .id))
            .field("month", .string, .required)
            .field("status", .string, .required)
            .field("data", .string, .required)
            .field("total_tenths", .int)
            .field("grade", .string)
            .field("payment", .string)
            .field("payable_fen", .int)
            .field("vendor_signatory", .string)
            .field("confirmed_at", .datetime)
            .field("confirmed_by_id", .uuid, .references("users", .id))
            .field("confirmed_by_name", .string)
            .field("computed_at", .datetime, .required)
            .field("created_by_id", .uuid, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "vendor_id", "month")
            .create()
        // The list by month serves from this index; a vendor's year from the unique (vendor_id, month).
        try await database.sql.create(index: "idx_scorecards_month").on("scorecards").column("month").run()
        try await database.schema("vendor_service_fees")
            .id()
            .field("vendor_id", .uuid, .required, .references("vendors", .id))
            .field("monthly_fee_fen", .int64, .required)
            .field("contract_total_fen", .int64, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by_id", .uuid, .references("users", .id))
            .unique(on: "vendor_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("vendor_service_fees").delete()
        try await database.schema("scorecards").delete()
    }
}
