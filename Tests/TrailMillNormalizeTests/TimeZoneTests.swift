#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import TrailMillNormalize

@Suite("Flat schema v1: host time zone")
struct TimeZoneTests {
    /// The module uses no Foundation or libc date APIs; output must not change with the host's zone.
    @Test func outputIndependentOfTZ() throws {
        let file = RichRecord.file(RichRecord.pretty)
        let offsetRecord = record(#""userIdentity":{"sessionContext":{"attributes":{"creationDate":"2024-03-15 01:02:03"}}}"#, eventTime: #""2024-03-15 23:30:00""#)
        let missing = record(eventTime: nil)
        let before = try normalizeFile(file).map(\.bytes)
            + [try normalizeRecord(offsetRecord).bytes, try normalizeRecord(missing, file: Fixture.unstamped).bytes]

        let saved = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", "Asia/Kolkata", 1)
        tzset()
        defer {
            if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
            tzset()
        }
        // The zone really is in effect for libc: +05:30.
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        #expect(local.tm_gmtoff == 19_800)

        let after = try normalizeFile(file).map(\.bytes)
            + [try normalizeRecord(offsetRecord).bytes, try normalizeRecord(missing, file: Fixture.unstamped).bytes]
        #expect(after == before)
        let offsetLine = try normalizeRecord(offsetRecord)
        #expect(offsetLine.string("event_time") == "2024-03-15T23:30:00.000Z")
        #expect(offsetLine.string("session_creation_date") == "2024-03-15T01:02:03.000Z")
        #expect(try normalizeRecord(missing, file: Fixture.unstamped).string("event_time") == "2024-02-29T00:00:00.000Z")
        #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.parseMillis("2024-03-15 00:00:00") == 1_710_460_800_000)
    }
}
