/// Hex digits: the one encoder and decoder every module uses (digest hashes and signatures, content hashes, `\u00XX`
/// escapes, COPY text escapes, synthetic identifiers).
///
/// Encoding is lowercase unless asked otherwise; decoding accepts either case.
public enum Hex {
    /// The ASCII hex digit of the low four bits of `nibble` (`0`–`9`, `a`–`f`, or `A`–`F` when `uppercase`).
    @inlinable
    public static func digit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
        let value = nibble & 0x0F
        if value < 10 { return 0x30 + value }
        return (uppercase ? 0x37 : 0x57) + value
    }

    /// Hands the last `count` hex digits of `value`, most significant first, to `body` (past 16 digits, leading
    /// zeros): `forEachDigit(of: 0xAB, count: 4)` gives `0`, `0`, `a`, `b`.
    @inlinable
    public static func forEachDigit(
        of value: UInt64, count: Int = 16, uppercase: Bool = false, _ body: (UInt8) -> Void
    ) {
        var shift = (count - 1) * 4
        while shift >= 0 {
            body(digit(UInt8(truncatingIfNeeded: value >> UInt64(shift)), uppercase: uppercase))
            shift -= 4
        }
    }

    /// Lowercase hex of `bytes` (two digits per byte).
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digit(byte >> 4))
            out.append(digit(byte))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of an even-length hex string (either case); nil if it is not hex.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(ofDigit: utf8[index]), let low = value(ofDigit: utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Whether `text` is hex with no uppercase letters (the empty string is).
    public static func isLowercase(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The value (0–15) of one ASCII hex digit, either case; nil for any other byte.
    @inlinable
    public static func value(ofDigit byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}
