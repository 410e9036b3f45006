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

    /// `20261207`: the day of the instant in the hospital's zone.
    public static func day(of instant: Date, in timeZone: TimeZone) -> String {
        let date = CivilDate.local(instant, in: timeZone).date
        return CivilDate.padded(date.year, 4) + CivilDate.padded(date.month, 2) + CivilDate.padded(date.day, 2)
    }

    public static func format(domain: ServiceDomain, day: String, sequence: Int) -> String {
        prefix(for: domain) + "-" + day + "-" + CivilDate.padded(sequence, 4)
    }
}
