internal import TrailMillHex

/// Where the next page starts: the sort key of the last row printed, and which query it belongs to.
///
/// Pages are keyset pages ordered by `(event_time, event_id, recipient_account_id)` descending, the table's primary
/// key: the next page holds the rows strictly after the last one printed, so rows loaded meanwhile never shift a
/// page, and no row is printed twice. The token is opaque text (`v1.` and hex fields) safe in a shell and a URL.
public struct PageToken: Sendable, Hashable, CustomStringConvertible {
    /// The last row's `event_time` as PostgreSQL prints it in UTC with microseconds (`2026-01-15T10:00:00.000000Z`).
    public var eventTime: String
    /// The last row's `event_id`.
    public var eventID: String
    /// The last row's `recipient_account_id`.
    public var account: String
    /// A hash of the query's filters and window: a token only continues the query that printed it.
    public var queryFingerprint: String

    /// A token for the row with this key.
    public init(eventTime: String, eventID: String, account: String, queryFingerprint: String) {
        self.eventTime = eventTime
        self.eventID = eventID
        self.account = account
        self.queryFingerprint = queryFingerprint
    }

    /// Reads a token printed by `description`; nil when it is not one.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "v1" else { return nil }
        var fields: [String] = []
        for part in parts[1...4] {
            guard let bytes = Hex.decode(String(part)) else { return nil }
            fields.append(String(decoding: bytes, as: UTF8.self))
        }
        guard !fields[0].isEmpty, !fields[3].isEmpty else { return nil }
        self.init(eventTime: fields[0], eventID: fields[1], account: fields[2], queryFingerprint: fields[3])
    }

    /// The token text: `v1.` then the four fields, hex-encoded, separated by `.`.
    public var description: String {
        (["v1"] + [eventTime, eventID, account, queryFingerprint].map { Hex.encode(Array($0.utf8)) })
            .joined(separator: ".")
    }
}

/// FNV-1a over text: the query fingerprint (not a security boundary; it only catches a token pasted into another query).
enum Fingerprint {
    static func of(_ parts: [String?]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in (part.map { "v" + $0 } ?? "n").utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
