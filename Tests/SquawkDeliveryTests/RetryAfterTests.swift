import Foundation
import SquawkCore
import Testing

@Suite("Retry-After as seconds or HTTP-date, against a given now")
struct RetryAfterTests {
    /// 2023-11-14T22:13:20Z
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func seconds() {
        #expect(RetryAfter.delay("12", now: now) == .seconds(12))
        #expect(RetryAfter.delay(" 0 ", now: now) == .zero)
        #expect(RetryAfter.delay("99999999999999999999", now: now) == .seconds(999_999_999_999))
    }

    @Test("the three HTTP-date forms of RFC 9110", arguments: [
        "Tue, 14 Nov 2023 22:13:50 GMT",
        "Tuesday, 14-Nov-23 22:13:50 GMT",
        "Tue Nov 14 22:13:50 2023",
    ])
    func httpDates(_ value: String) {
        #expect(RetryAfter.delay(value, now: now) == .seconds(30))
    }

    @Test func asctimeWithPaddedDay() {
        let date = RetryAfter.httpDate("Sun Nov  6 08:49:37 1994")
        #expect(date?.timeIntervalSince1970 == 784_111_777)
    }

    @Test func pastDateIsNoDelay() {
        #expect(RetryAfter.delay("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero)
    }

    @Test("unreadable values give no delay", arguments: [
        "", "soon", "-5", "1.5", "Tue, 32 Nov 2023 22:13:50 GMT", "Tue, 14 Foo 2023 22:13:50 GMT",
        "Tue, 14 Nov 2023 22:13 GMT", "Tue, 14 Nov 2023 22:13:50 PST",
    ])
    func unreadable(_ value: String) {
        #expect(RetryAfter.delay(value, now: now) == nil)
    }
}
