public import Foundation

/// Reading values that `JSONSerialization` produced: the oracle side of tests that check TrailMill's output against
/// an independent reading of the source record.
public enum FoundationJSON {
    /// Whether `number` came from a JSON `true`/`false` (JSONSerialization gives those the `c` type code).
    public static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    /// A JSON boolean, or the strings "true"/"false" in any case; nil otherwise.
    public static func boolean(_ value: Any?) -> Bool? {
        if let number = value as? NSNumber, isBoolean(number) { return number.boolValue }
        switch (value as? String)?.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// The value at `keys` inside nested objects, or nil.
    public static func path(_ object: [String: Any], _ keys: String...) -> Any? {
        var current: Any? = object
        for key in keys { current = (current as? [String: Any])?[key] }
        return current
    }

    /// JSON text with the whitespace between tokens removed; strings are copied untouched. A test-side oracle,
    /// independent of `JSONText.appendCompact`.
    public static func compact(_ text: String) -> String {
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in text.utf8 {
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09: continue
            case UInt8(ascii: "\""): inString = true
            default: break
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
