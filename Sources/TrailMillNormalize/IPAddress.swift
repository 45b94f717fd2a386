#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Recognising a `sourceIPAddress` value that is exactly one IP address.
public enum IPAddress {
    /// Whether `text` is one IPv4 address in strict dotted-quad form (no leading zeros, each part ≤ 255) or one
    /// IPv6 address. Host names, `AWS Internal`, comma lists and padded values are not.
    public static func isAddress(_ text: UnsafeRawBufferPointer) -> Bool {
        guard !text.isEmpty, text.count <= 45 else { return false }
        if isIPv4(text) { return true }
        guard text.contains(UInt8(ascii: ":")) else { return false }
        for byte in text {
            let ok =
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F")) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
            if !ok { return false }
        }
        // inet_pton needs a NUL-terminated string; the text is at most 45 bytes.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 48) { cString in
            for (k, byte) in text.enumerated() { cString[k] = CChar(bitPattern: byte) }
            cString[text.count] = 0
            var address = in6_addr()
            return inet_pton(AF_INET6, cString.baseAddress, &address) == 1
        }
    }

    /// Strict dotted quad: four decimal parts 0...255 without leading zeros.
    public static func isIPv4(_ text: UnsafeRawBufferPointer) -> Bool {
        var parts = 0
        var digits = 0
        var value = 0
        var leadingZero = false
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return false }
                parts += 1
                digits = 0
                value = 0
                continue
            }
            let d = byte &- UInt8(ascii: "0")
            guard d < 10 else { return false }
            if digits == 0 { leadingZero = d == 0 } else if leadingZero { return false }
            digits += 1
            value = value * 10 + Int(d)
            guard digits <= 3, value <= 255 else { return false }
        }
        return parts == 3 && digits > 0
    }
}
