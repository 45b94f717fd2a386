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
}
