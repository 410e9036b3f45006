import Foundation

/// Human ticket numbers: `<domain prefix>-<yyyyMMdd in the hospital's time zone>-<4-digit daily sequence>`,
/// e.g. `IT-20261123-0007`. The sequence restarts every day per domain; past 9999 it simply grows wider.
public enum TicketNumber {
    public static func prefix(for domain: ServiceDomain) -> String {
        switch domain {
        case .it: "IT"
        case .logistics: "LG"
        case .equipment: "EQ"
        }
    }

    public static func day(of instant: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
    }

    public static func format(domain: ServiceDomain, day: String, sequence: Int) -> String {
        "\(prefix(for: domain))-\(day)-\(String(format: "%04d", sequence))"
    }
}
