import Foundation
import Testing
@testable import YiweiCore

/// Ticket clocks on the office calendar (08:00–12:00, 14:30–17:30): the worked examples of docs/sla.md §Clocks.
@Suite("SLA clocks: elapsed time, pauses, reopen, breach, due")
struct SLAClockTests {
    static func at(_ s: String) -> Date { BusinessCalendarTests.at(s) }
    let office = SLAClock(calendar: CalendarPresets.office2026, businessTime: true)
    let wall = SLAClock(calendar: CalendarPresets.office2026, businessTime: false)

    @Test("C1 a response across lunch: 90 of 120 minutes, on time; due 15:30")
    func acrossLunch() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T11:00"), acceptedAt: Self.at("2026-11-23T15:00"))
        let s = office.state(.response, target: 120, history: h, now: Self.at("2026-11-23T16:00"))
        #expect(s.elapsedMinutes == 90)
        #expect(!s.breached)
        #expect(s.dueAt == Self.at("2026-11-23T15:30"))
        #expect(s.stoppedAt == Self.at("2026-11-23T15:00"))
    }

    @Test("C2 a pause across a night: 90 pending minutes excluded, due pushed to Tuesday 17:30")
    func pauseAcrossNight() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T16:00"), resolvedAt: Self.at("2026-11-24T15:00"),
                           pauses: [(Self.at("2026-11-23T17:00"), Self.at("2026-11-24T09:00"))])
        let s = office.state(.resolve, target: 420, history: h, now: Self.at("2026-11-24T16:00"))
        #expect(s.pausedMinutes == 90)     // Monday 17:00–17:30 and Tuesday 08:00–09:00
        #expect(s.elapsedMinutes == 270)   // 360 working minutes in all, minus 90
        #expect(!s.breached)
        #expect(s.dueAt == Self.at("2026-11-24T17:30"))
    }

    @Test("C3 a resolve followed by a reopen does not stop the clock: the second resolve counts, 300 > 240")
    func reopen() {
        // Resolved at 10:00, reopened at 11:00: the history's resolvedAt is the final resolve at 15:30.
        let h = SLAHistory(createdAt: Self.at("2026-11-23T08:00"), resolvedAt: Self.at("2026-11-23T15:30"))
        let s = office.state(.resolve, target: 240, history: h, now: Self.at("2026-11-23T16:00"))
        #expect(s.elapsedMinutes == 300)
        #expect(s.breached)
        #expect(s.dueAt == Self.at("2026-11-23T12:00"))
    }

    @Test("C4 calendar time: a Saturday-night response 45 minutes after the report breaches 30")
    func wallClock() {
        let h = SLAHistory(createdAt: Self.at("2026-11-28T02:00"), acceptedAt: Self.at("2026-11-28T02:45"))
        let s = wall.state(.response, target: 30, history: h, now: Self.at("2026-11-28T03:00"))
        #expect(s.elapsedMinutes == 45)
        #expect(s.breached)
        #expect(s.dueAt == Self.at("2026-11-28T02:30"))
    }

    @Test("C5 equal is on time")
    func equal() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T08:00"), acceptedAt: Self.at("2026-11-23T08:30"))
        #expect(!office.state(.response, target: 30, history: h, now: Self.at("2026-11-23T09:00")).breached)
    }

    @Test("C6 a running clock breaches too: 90 minutes unresolved against 60")
    func running() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T08:00"))
        let s = office.state(.resolve, target: 60, history: h, now: Self.at("2026-11-23T09:30"))
        #expect(s.elapsedMinutes == 90)
        #expect(s.breached)
        #expect(s.stoppedAt == nil)
    }

    @Test("C7 pending now: the resolution clock stands still with no due time; a response already given is not affected")
    func pendingNow() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T08:00"), acceptedAt: Self.at("2026-11-23T08:10"),
                           pauses: [(Self.at("2026-11-23T08:20"), nil)])
        let resolve = office.state(.resolve, target: 240, history: h, now: Self.at("2026-11-23T10:00"))
        #expect(resolve.isPaused)
        #expect(resolve.dueAt == nil)
        #expect(resolve.elapsedMinutes == 20)
        #expect(resolve.pausedMinutes == 100)
        let response = office.state(.response, target: 30, history: h, now: Self.at("2026-11-23T10:00"))
        #expect(response.elapsedMinutes == 10)
        #expect(response.pausedMinutes == 0)
        #expect(!response.isPaused)
    }

    @Test("C8 a pause before the response: 40 of 60 minutes count; due moves from 09:00 to 09:50")
    func pauseBeforeResponse() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T08:00"), acceptedAt: Self.at("2026-11-23T09:30"),
                           pauses: [(Self.at("2026-11-23T08:10"), Self.at("2026-11-23T09:00"))])
        let s = office.state(.response, target: 60, history: h, now: Self.at("2026-11-23T10:00"))
        #expect(s.elapsedMinutes == 40)
        #expect(s.pausedMinutes == 50)
        #expect(s.dueAt == Self.at("2026-11-23T09:50"))
        #expect(!s.breached)
    }

    @Test("C9 a pause that begins after the target was due does not move the due time")
    func latePause() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T08:00"), pauses: [(Self.at("2026-11-23T10:00"), Self.at("2026-11-23T11:00"))])
        let s = office.state(.resolve, target: 60, history: h, now: Self.at("2026-11-23T11:30"))
        #expect(s.dueAt == Self.at("2026-11-23T09:00"))
        #expect(s.elapsedMinutes == 210 - 60) // 08:00–11:30 less the hour pending
        #expect(s.breached)
    }

    @Test("only clocks with a target are evaluated")
    func targets() {
        let h = SLAHistory(createdAt: Self.at("2026-11-23T08:00"))
        let states = office.states(targets: SLATargets(responseMinutes: 30, startMinutes: nil, resolveMinutes: 480), history: h,
                                   now: Self.at("2026-11-23T08:05"))
        #expect(states.map(\.kind) == [.response, .resolve])
    }
}
