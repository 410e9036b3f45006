// calendar-bench: how many SLA due-time computations one core does per second (issue: ≥ 1,000,000/s over a
// calendar with two intervals a day and a year of holidays), measured side by side in the same run with
// (a) the same calculation on the 7×24 calendar and (b) a straightforward reference that asks Foundation's
// Calendar for every day's date components, so the figures can be compared on a noisy machine.
//
// Run: swift run -c release calendar-bench [seconds-per-case]
import Foundation
import YiweiCore

/// The straightforward way: walk day by day with Foundation's Calendar and DateComponents.
struct ReferenceCalendar {
    let calendar: Calendar
    let intervals: [Int: [(Int, Int)]]   // weekday (1 = Sunday in Foundation) → minutes
    let holidays: Set<String>
    let workdays: Set<String>

    func due(start: Date, minutes: Int) -> Date {
        var remaining = Double(minutes * 60)
        var day = calendar.startOfDay(for: start)
        var cursor = start.timeIntervalSince1970
        while true {
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            let key = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            let todays = workdays.contains(key) ? intervals[2]! : (holidays.contains(key) ? [] : intervals[c.weekday!] ?? [])
            for (a, b) in todays {
                let s = max(day.timeIntervalSince1970 + Double(a * 60), cursor), e = day.timeIntervalSince1970 + Double(b * 60)
                if s >= e { continue }
                if remaining <= e - s { return Date(timeIntervalSince1970: s + remaining) }
                remaining -= e - s
                cursor = e
            }
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
    }
}

func measure(_ name: String, seconds: Double, _ body: (Int) -> Double) -> (String, Double) {
    // Warm up, then run until the time is spent; the checksum keeps the optimiser honest.
    var checksum = 0.0
    for i in 0..<1000 { checksum += body(i) }
    var count = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var elapsed = 0.0
    while elapsed < seconds {
        for _ in 0..<1000 { checksum += body(count); count += 1 }
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    if checksum == 42 { print("") }
    return (name, Double(count) / elapsed)
}

let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 2 : 2
let office = CalendarPresets.office2026
let allDay = CalendarPresets.allDay
var shanghai = Calendar(identifier: .gregorian)
shanghai.timeZone = CalendarPresets.shanghai
let reference = ReferenceCalendar(
    calendar: shanghai,
    intervals: Dictionary(uniqueKeysWithValues: (2...6).map { ($0, [(480, 720), (870, 1050)]) }),
    holidays: Set(CalendarPresets.holidays2026.map(\.description)), workdays: Set(CalendarPresets.workdays2026.map(\.description)))

// Starts spread over 2026 (every 7 h 13 min), targets from 10 minutes to 2 working days, as tickets have.
let base = Date(timeIntervalSince1970: 1_767_196_800) // 2026-01-01T00:00:00+08:00
let starts = (0..<4096).map { base.addingTimeInterval(Double($0) * 26_000) }
let targets = [10, 30, 60, 120, 240, 480, 840]

// The two implementations must agree before their speed means anything.
for i in 0..<2000 {
    let s = starts[i % starts.count], m = targets[i % targets.count]
    precondition(office.due(start: s, minutes: m) == reference.due(start: s, minutes: m), "disagree at \(s) + \(m)")
}

let results = [
    measure("due() office calendar, 2 intervals/day, 2026 holidays", seconds: seconds) { i in
        office.due(start: starts[i & 4095], minutes: targets[i % 7])!.timeIntervalSince1970
    },
    measure("due() 7×24 calendar", seconds: seconds) { i in
        allDay.due(start: starts[i & 4095], minutes: targets[i % 7])!.timeIntervalSince1970
    },
    measure("reference: Foundation Calendar, day by day", seconds: seconds) { i in
        reference.due(start: starts[i & 4095], minutes: targets[i % 7]).timeIntervalSince1970
    },
    measure("businessMinutes() office calendar, spans up to 10 days", seconds: seconds) { i in
        office.businessMinutes(from: starts[i & 4095], to: starts[i & 4095].addingTimeInterval(Double(i % 10 + 1) * 86_400))
    },
]
let ref = results[2].1
print("| case | computations/s (1 core) | × reference |")
print("| --- | ---: | ---: |")
for (name, rate) in results {
    print("| \(name) | \(Int(rate).formatted()) | \(String(format: "%.1f", rate / ref)) |")
}
