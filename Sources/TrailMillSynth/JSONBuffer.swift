import TrailMillArchive
import TrailMillHex

/// Appends compact JSON to a reusable byte buffer without building intermediate strings.
///
/// Every string value goes through `escaped(_:)` — either at the call or once when a pool entry is prepared with
/// `JSONBuffer.fragment(_:)` — so the output is valid JSON whatever the text holds.
struct JSONBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    // MARK: Raw pieces

    /// Appends trusted JSON syntax (keys, punctuation, fixed ASCII values).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends an already escaped fragment.
    @inline(__always)
    mutating func raw(_ fragment: [UInt8]) { bytes.append(contentsOf: fragment) }

    @inline(__always)
    mutating func byte(_ value: UInt8) { bytes.append(value) }

    // MARK: Strings

    /// Appends `text` escaped for use inside a JSON string (no quotes added).
    mutating func escaped(_ text: some Sequence<UInt8>) {
        for c in text {
            switch c {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Hex.digit(c >> 4))
                bytes.append(Hex.digit(c))
            default: bytes.append(c)
            }
        }
    }

    /// Appends `"text"` with escaping.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        escaped(text.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// The escaped form of `text`, to keep in a pool and append with `raw(_:)`.
    static func fragment(_ text: String) -> [UInt8] {
        var buffer = JSONBuffer(capacity: text.utf8.count + 8)
        buffer.escaped(text.utf8)
        return buffer.bytes
    }

    // MARK: Numbers and identifiers

    static let upperAlnum: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    static let mixedAlnum: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    static let base64: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends a decimal integer.
    mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            uint(UInt64(value.magnitude))
        } else {
            uint(UInt64(value))
        }
    }

    mutating func uint(_ value: UInt64) {
        var count = 1
        var v = value / 10
        while v > 0 {
            count += 1
            v /= 10
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        v = value
        var index = start + count - 1
        while v > 0 {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
            v /= 10
            index -= 1
        }
    }

    /// Appends `value` zero-padded to `width` digits (non-negative values).
    @inline(__always)
    mutating func padded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// Appends the low `count` nibbles of `value` as hex, most significant first.
    @inline(__always)
    mutating func hex(_ value: UInt64, count: Int, uppercase: Bool = false) {
        Hex.forEachDigit(of: value, count: count, uppercase: uppercase) { bytes.append($0) }
    }

    /// Appends `count` random characters from `alphabet`.
    @inline(__always)
    mutating func random(_ count: Int, from alphabet: [UInt8], _ rng: inout SplitMix64) {
        for _ in 0..<count { bytes.append(alphabet[rng.below(alphabet.count)]) }
    }

    /// Appends a lowercase UUID v4 shaped string (no quotes) and returns its 128 bits.
    @discardableResult
    mutating func uuid(_ rng: inout SplitMix64) -> (UInt64, UInt64) {
        let hi = (rng.next() & ~0xF000) | 0x4000
        let lo = (rng.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        hex(hi >> 32, count: 8)
        byte(UInt8(ascii: "-"))
        hex(hi >> 16, count: 4)
        byte(UInt8(ascii: "-"))
        hex(hi, count: 4)
        byte(UInt8(ascii: "-"))
        hex(lo >> 48, count: 4)
        byte(UInt8(ascii: "-"))
        hex(lo, count: 12)
        return (hi, lo)
    }

    // MARK: Times

    /// Appends `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch (no quotes).
    mutating func timestamp(_ epochSeconds: Int) {
        let (days, seconds) = Clock.split(epochSeconds)
        let date = CivilDate(daysSinceEpoch: days)
        padded(date.year, width: 4)
        byte(UInt8(ascii: "-"))
        padded(date.month, width: 2)
        byte(UInt8(ascii: "-"))
        padded(date.day, width: 2)
        byte(UInt8(ascii: "T"))
        padded(seconds / 3600, width: 2)
        byte(UInt8(ascii: ":"))
        padded(seconds / 60 % 60, width: 2)
        byte(UInt8(ascii: ":"))
        padded(seconds % 60, width: 2)
        byte(UInt8(ascii: "Z"))
    }

    private static let monthNames: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Appends the AWS console style `Jan 15, 2026, 11:42:01 PM` (no quotes).
    mutating func consoleTime(_ epochSeconds: Int) {
        let (days, seconds) = Clock.split(epochSeconds)
        let date = CivilDate(daysSinceEpoch: days)
        raw(JSONBuffer.monthNames[date.month - 1])
        byte(UInt8(ascii: " "))
        int(date.day)
        raw(", ")
        padded(date.year, width: 4)
        raw(", ")
        let hour = seconds / 3600
        int(hour % 12 == 0 ? 12 : hour % 12)
        byte(UInt8(ascii: ":"))
        padded(seconds / 60 % 60, width: 2)
        byte(UInt8(ascii: ":"))
        padded(seconds % 60, width: 2)
        raw(hour < 12 ? " AM" : " PM")
    }
}

/// Epoch-second helpers.
enum Clock {
    /// (days since epoch, seconds into that day), flooring for times before 1970.
    @inline(__always)
    static func split(_ epochSeconds: Int) -> (Int, Int) {
        var days = epochSeconds / 86_400
        var seconds = epochSeconds % 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        return (days, seconds)
    }
}
