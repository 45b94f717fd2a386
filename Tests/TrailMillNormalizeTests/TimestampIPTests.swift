import Foundation
import Testing
import TrailMillArchive
import TrailMillDecoding
import TrailMillNormalize

private func parse(_ text: String) -> Int64? { Timestamp.parseMillis(text) }

/// Parses through the byte-buffer entry point (what the normalizer calls).
private func parseBytes(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBytes { Timestamp.parseMillis($0) } }

@Suite("Timestamp")
struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0 as Int64, "1970-01-01T00:00:00.000Z"),
        ("1970-01-01T00:00:00.001Z", 1, "1970-01-01T00:00:00.001Z"),
        ("1969-12-31T23:59:59.999Z", -1, "1969-12-31T23:59:59.999Z"),
        ("1969-12-31T00:00:00Z", -86_400_000, "1969-12-31T00:00:00.000Z"),
        ("1969-12-30T23:59:59.999Z", -86_400_001, "1969-12-30T23:59:59.999Z"),
        ("1900-01-01T00:00:00Z", -2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
        ("2000-01-01T00:00:00Z", 946_684_800_000, "2000-01-01T00:00:00.000Z"),
        ("2000-02-29T12:00:00Z", 951_825_600_000, "2000-02-29T12:00:00.000Z"),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
        ("2024-02-29T23:59:59.999Z", 1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        ("2024-03-01T00:00:00Z", 1_709_251_200_000, "2024-03-01T00:00:00.000Z"),
        ("2023-12-31T23:59:59.999Z", 1_704_067_199_999, "2023-12-31T23:59:59.999Z"),
        ("2024-01-01T00:00:00Z", 1_704_067_200_000, "2024-01-01T00:00:00.000Z"),
        ("2038-01-19T03:14:08Z", 2_147_483_648_000, "2038-01-19T03:14:08.000Z"),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
    ])
    func knownInstants(text: String, millis: Int64, formatted: String) {
        #expect(parse(text) == millis)
        #expect(parseBytes(text) == millis)
        #expect(Timestamp.iso8601(millis) == formatted)
        #expect(parse(formatted) == millis)
        let out = OutputBuffer(capacity: 8)
        Timestamp.appendISO8601(millis, to: out)
        #expect(out.bytes == Array(formatted.utf8))
    }

    /// Other accepted forms of the same instant.
    @Test(arguments: [
        ("2024-02-29T12:34:56Z", "2024-02-29T12:34:56.000Z"),
        ("2024-02-29t12:34:56z", "2024-02-29T12:34:56.000Z"),
        ("2024-02-29 12:34:56", "2024-02-29T12:34:56.000Z"),
        ("2024-02-29T12:34:56,789Z", "2024-02-29T12:34:56.789Z"),
        ("20240229T123456Z", "2024-02-29T12:34:56.000Z"),
        ("20240229T123456", "2024-02-29T12:34:56.000Z"),
        ("2024-02-29T18:04:56+05:30", "2024-02-29T12:34:56.000Z"),
        ("2024-02-29T18:04:56.5+0530", "2024-02-29T12:34:56.500Z"),
        ("2024-02-29T02:34:56-10:00", "2024-02-29T12:34:56.000Z"),
        ("2024-03-01T04:04:56+15:30", "2024-02-29T12:34:56.000Z"),
        ("2024-02-29T12:34:56+00:00", "2024-02-29T12:34:56.000Z"),
        ("2024-02-29T12:34:56.123456789Z", "2024-02-29T12:34:56.123Z"),
        ("2024-02-29T12:34:56.99999999999999999999Z", "2024-02-29T12:34:56.999Z"),
        ("2024-02-29", "2024-02-29T00:00:00.000Z"),
        ("0001-01-01T00:30:00+00:30", "0001-01-01T00:00:00.000Z"),
        ("9999-12-31T23:59:59+01:00", "9999-12-31T22:59:59.000Z"),
        ("20240229", "2024-02-29T00:00:00.000Z"),
        // A leap second is clamped to :59 of the same minute.
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.000Z"),
        ("2016-12-31T23:59:60.5Z", "2016-12-31T23:59:59.500Z"),
    ])
    func acceptedForms(text: String, expected: String) throws {
        let millis = try #require(parse(text))
        #expect(Timestamp.iso8601(millis) == expected)
    }

    @Test(arguments: [
        "", "2023", "2023-02-29T00:00:00Z", "2023-02-29", "1900-02-29T00:00:00Z", "2100-02-29", "2023-01-10T25:00:00Z",
        "2023-01-10T24:00:00Z", "2023-01-10T12:60:00Z", "2023-01-10T12:00:61Z", "2023-13-01T00:00:00Z",
        "2023-00-10T00:00:00Z", "2023-01-00T00:00:00Z", "2023-01-32T00:00:00Z", "2023-04-31", "2023-01-10T",
        "2023-01-10T12:00", "2023-01-10T12:00:00.Z", "2023-01-10T12:00:00+25:00", "2023-01-10T12:00:00+05:60",
        "2023-01-10T12:00:00+5", "2023-01-10T12:00:00Zjunk", "2023-01-10T12:00:00 ", " 2023-01-10T12:00:00Z",
        "2023-0110T12:00:00Z", "202301-10T12:00:00Z", "2023-01-10T120000Z", "20230110T12:00:00Z", "2023/01/10",
        "2023-01-10X12:00:00Z", "2023-1-10T12:00:00Z", "yesterday", "1700000000",
        // Outside years 0001...9999 once the offset is applied: not writable as a four-digit year.
        "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+00:01", "0000-06-01T00:00:00Z", "0000-01-01",
    ])
    func rejected(text: String) {
        #expect(parse(text) == nil, "\(text) should not parse")
        #expect(parseBytes(text) == nil)
    }

    /// Parse and format are inverse over 1900–2100, at odd steps, and agree with Foundation's formatter (to the second).
    @Test func roundTripAgainstFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        let first: Int64 = -2_208_988_800_000
        let last: Int64 = 4_102_444_800_000
        let step: Int64 = 37 * 3_600_000 * 24 + 3_723_457  // 37 days, 1 h 2 min 3.457 s
        var millis = first
        var checked = 0
        while millis <= last {
            let text = Timestamp.iso8601(millis)
            #expect(parse(text) == millis, "\(text)")
            // Whole seconds only, so floating point cannot blur the comparison.
            let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(String(text.prefix(19)) + "Z" == formatter.string(from: date), "\(millis)")
            #expect(Int64(text.dropFirst(20).prefix(3)) == millis - seconds * 1000)
            millis += step
            checked += 1
        }
        #expect(checked > 1900)
        // Every millisecond of a second across midnight of a leap day and of a year boundary.
        for base in [parse("2024-02-29T00:00:00Z")!, parse("2024-01-01T00:00:00Z")!, 0] {
            for delta in Int64(-1000)...1000 {
                #expect(parse(Timestamp.iso8601(base + delta)) == base + delta)
            }
        }
    }

    @Test func civilDateMidnight() {
        #expect(Timestamp.millis(CivilDate(year: 1970, month: 1, day: 1)!) == 0)
        #expect(Timestamp.millis(CivilDate(year: 2024, month: 2, day: 29)!) == 1_709_164_800_000)
        #expect(Timestamp.millis(CivilDate(year: 1969, month: 12, day: 31)!) == -86_400_000)
    }
}

private func isAddress(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { IPAddress.isAddress($0) } }
private func isIPv4(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { IPAddress.isIPv4($0) } }

@Suite("IPAddress")
struct IPAddressTests {
    @Test(arguments: [
        "0.0.0.0", "1.2.3.4", "10.0.0.1", "203.0.113.7", "255.255.255.255", "100.64.0.0", "192.168.10.1",
    ])
    func validIPv4(text: String) {
        #expect(isIPv4(text))
        #expect(isAddress(text))
    }

    @Test(arguments: [
        "", ".", "1.2.3", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "999.1.1.1",
        "225.01.00.16", "01.2.3.4", "1.2.3.04", "00.0.0.0", "1.2.3.0000", "1.2.3.-4", "+1.2.3.4", "1.2.3.4 ", " 1.2.3.4",
        "1.2.3.4,5.6.7.8", "a.b.c.d", "1.2.3.4/32", "0x7f.0.0.1", "1,2,3,4", "1.2.3.1234",
    ])
    func invalidIPv4(text: String) {
        #expect(!isIPv4(text), "\(text)")
    }

    @Test(arguments: [
        "::", "::1", "2001:db8::1", "2001:DB8::1", "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::1ff:fe23:4567:890a",
        "::ffff:1.2.3.4", "::ffff:192.0.2.128", "64:ff9b::203.0.113.7", "1:2:3:4:5:6:7:8", "1::", "0:0:0:0:0:0:0:0",
        "0000:0000:0000:0000:0000:ffff:255.255.255.255",
    ])
    func validIPv6(text: String) {
        #expect(isAddress(text), "\(text)")
        #expect(!isIPv4(text))
    }

    @Test(arguments: [
        ":", ":::", "2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "12345::1", "g::1", "fe80::1%eth0", "fe80::1%1", "[::1]",
        "::1 ", " ::1", "::ffff:1.2.3", "::ffff:256.1.1.1", "2001:db8:::1", "1:2:3:4:5:6:7", "ec2.amazonaws.com",
        "AWS Internal", "81.2.69.142, 192.168.10.10", "225.01.00.16", "",
        "0000:0000:0000:0000:0000:ffff:255.255.255.2550",
        String(repeating: "0", count: 40) + "::1",
    ])
    func notAnAddress(text: String) {
        #expect(!isAddress(text), "\(text)")
    }

    @Test func emptyAndNilBuffers() {
        #expect(!IPAddress.isAddress(UnsafeRawBufferPointer(start: nil, count: 0)))
        #expect(!IPAddress.isIPv4(UnsafeRawBufferPointer(start: nil, count: 0)))
    }
}
