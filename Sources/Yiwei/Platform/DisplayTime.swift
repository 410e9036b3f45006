import Foundation
import Vapor
import YiweiCore

/// Instants are stored in UTC and shown in the configured time zone (Asia/Shanghai by default).
enum DisplayTime {
    static func format(_ date: Date?, _ req: Request) -> String {
        guard let date else { return "" }
        return format(date, timeZone: req.yiwei.config.timeZone)
    }

    /// `yyyy-MM-dd HH:mm:ss` in the zone, by integer arithmetic: a list page shows hundreds of instants, and a
    /// `DateFormatter` made for each cost more than the rest of the page.
    static func format(_ date: Date, timeZone: TimeZone) -> String {
        let (day, second) = CivilDate.local(date, in: timeZone)
        func pad(_ n: Int, _ width: Int) -> String { CivilDate.padded(n, width) }
        return pad(day.year, 4) + "-" + pad(day.month, 2) + "-" + pad(day.day, 2) + " " + pad(second / 3600, 2) + ":" + pad(second / 60 % 60, 2) + ":" + pad(second % 60, 2)
    }

    /// To the minute, for queues, timelines and comments where seconds are noise.
    static func short(_ date: Date?, _ req: Request) -> String {
        guard let date else { return "" }
        return short(date, timeZone: req.yiwei.config.timeZone)
    }

    static func short(_ date: Date, timeZone: TimeZone) -> String {
        String(format(date, timeZone: timeZone).dropLast(3))
    }

    static func format(_ iso: String, _ req: Request) -> String {
        format(ISO8601DateFormatter().date(from: iso), req)
    }
}
