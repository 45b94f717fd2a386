import Foundation
import TrailMillTestSupport

/// Deep equality of values that `JSONSerialization` produced: objects by keys, arrays in order, numbers by value
/// (a boolean never equals a number), strings exactly.
enum JSONEquality {
    static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as String, let y as String): return x == y
        case (let x as [String: Any], let y as [String: Any]):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        case (let x as [Any], let y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (is NSNull, is NSNull): return true
        case (let x as NSNumber, let y as NSNumber):
            let xb = FoundationJSON.isBoolean(x)
            let yb = FoundationJSON.isBoolean(y)
            guard xb == yb else { return false }
            return xb ? x.boolValue == y.boolValue : x.doubleValue == y.doubleValue
        default: return false
        }
    }
}
