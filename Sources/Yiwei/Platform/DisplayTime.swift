import Foundation
import Vapor

/// Instants are stored in UTC and shown in the configured time zone (Asia/Shanghai by default).
enum DisplayTime {
    static func format(_ date: Date?, _ req: Request) -> String {
        guard let date else { return "" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = req.yiwei.config.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// To the minute, for queues, timelines and comments where seconds are noise.
    static func short(_ date: Date?, _ req: Request) -> String {
        String(format(date, req).dropLast(3))
    }

    static func format(_ iso: String, _ req: Request) -> String {
        format(ISO8601DateFormatter().date(from: iso), req)
    }
}
