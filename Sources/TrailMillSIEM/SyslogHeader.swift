import TrailMillDecoding
import TrailMillNormalize
#if canImport(Glibc)
import Glibc
#endif

/// An optional syslog header in front of each CEF or LEEF line, for collectors that expect one.
public enum SyslogHeader: String, Sendable, Hashable, CaseIterable {
    /// No header: each line starts with `CEF:` or `LEEF:` (the default; what file-based collectors want).
    case none
    /// RFC 5424: `<PRI>1 2026-01-15T10:00:00.000Z host trailmill - cloudtrail - CEF:0|…`.
    case rfc5424
    /// RFC 3164 (BSD): `<PRI>Jan 15 10:00:00 host trailmill: CEF:0|…` (time in UTC).
    case rfc3164

    /// Facility 13 (log audit). Severity from the event's 0–10 severity: 9–10 critical, 7–8 error, 4–6 warning,
    /// 0–3 informational.
    public static func priority(severity: Int) -> Int {
        let level: Int
        switch severity {
        case 9...: level = 2
        case 7...8: level = 3
        case 4...6: level = 4
        default: level = 6
        }
        return 13 * 8 + level
    }

    /// This machine's host name as a syslog HOSTNAME (no spaces), or `-` when unknown.
    public static let localHostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "-" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let clean = name.filter { $0.isASCII && !$0.isWhitespace && $0 != "\u{0}" }
        return clean.isEmpty ? "-" : String(clean.prefix(255))
    }()

    private static let months: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Appends the header (including its trailing space) for an event at `millis` with `severity`.
    func append(millis: Int64, severity: Int, hostName: [UInt8], to out: OutputBuffer) {
        guard self != .none else { return }
        out.append(UInt8(ascii: "<"))
        JSONOutput.appendInt(SyslogHeader.priority(severity: severity), to: out)
        out.append(UInt8(ascii: ">"))
        switch self {
        case .none: return
        case .rfc5424:
            out.append("1 ")
            Timestamp.appendISO8601(millis, to: out)
            out.append(UInt8(ascii: " "))
            out.append(hostName)
            out.append(" trailmill - cloudtrail - ")
        case .rfc3164:
            // "Mmm dd hh:mm:ss": the day is space-padded.
            let iso = OutputBuffer(capacity: 32)
            Timestamp.appendISO8601(millis, to: iso)
            let text = iso.bytes  // YYYY-MM-DDTHH:MM:SS.mmmZ
            let month = Int(text[5] - 48) * 10 + Int(text[6] - 48)
            out.append(SyslogHeader.months[max(0, min(11, month - 1))])
            out.append(UInt8(ascii: " "))
            out.append(text[8] == UInt8(ascii: "0") ? UInt8(ascii: " ") : text[8])
            out.append(text[9])
            out.append(UInt8(ascii: " "))
            out.append(Array(text[11..<19]))
            out.append(UInt8(ascii: " "))
            out.append(hostName)
            out.append(" trailmill: ")
        }
    }
}
