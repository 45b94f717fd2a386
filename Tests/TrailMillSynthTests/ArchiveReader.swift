import Foundation
import TrailMillArchive
import TrailMillCompression

/// One `.json.gz` file of a synthetic archive, read back with independent tools (zlib via `Gzip`, Foundation JSON).
struct ArchiveFile {
    /// Path relative to the archive root.
    var relativePath: String
    var compressed: [UInt8]
    /// The decompressed `{"Records":[...]}` text.
    var json: [UInt8]
    /// Each record's exact bytes, split at the top level of the `Records` array.
    var rawRecords: [[UInt8]]
    /// Records parsed by `JSONSerialization`.
    var records: [[String: Any]]

    /// The file name (last path component).
    var name: String { String(relativePath.split(separator: "/").last ?? "") }
    /// The folder holding the file.
    var folder: String { String(relativePath.split(separator: "/").dropLast().joined(separator: "/")) }

    /// Delivery time from `<acct>_<folder>_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`, in epoch seconds.
    var deliveryTime: Int? {
        let parts = name.split(separator: "_")
        guard parts.count == 5 else { return nil }
        let stamp = Array(parts[3].utf8)
        guard stamp.count == 14, stamp[8] == UInt8(ascii: "T"), stamp[13] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: stamp[range], as: UTF8.self)) }
        guard let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8), let h = number(9..<11),
            let mi = number(11..<13)
        else { return nil }
        return CivilDate.daysFromCivil(year: y, month: mo, day: d) * 86_400 + h * 3_600 + mi * 60
    }

    /// The unique string at the end of the name.
    var uniqueString: String {
        let parts = name.split(separator: "_")
        return String(parts.last?.prefix(16) ?? "")
    }
}

enum ArchiveReader {
    /// Every `.json.gz` under `root`, sorted by relative path.
    static func read(_ root: String) throws -> [ArchiveFile] {
        let paths = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".json.gz") }
            .sorted()
        return try paths.map { relative in
            let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: root).appendingPathComponent(relative)))
            let json = try Gzip.decompress(compressed)
            let object = try JSONSerialization.jsonObject(with: Data(json))
            guard let top = object as? [String: Any], let records = top["Records"] as? [[String: Any]] else {
                throw ReadError(message: "\(relative): not {\"Records\":[{...}]}")
            }
            return ArchiveFile(
                relativePath: relative, compressed: compressed, json: json, rawRecords: splitRecords(json),
                records: records)
        }
    }

    struct ReadError: Error { var message: String }

    /// Splits `{"Records":[{…},{…}]}` into each record's bytes by tracking depth and string state.
    static func splitRecords(_ json: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = 0
        for (index, c) in json.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // depth 0: outer object; 1: Records array; 2: a record.
                if depth == 2 && c == UInt8(ascii: "{") { start = index }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 2 && c == UInt8(ascii: "}") { result.append(Array(json[start...index])) }
            default: break
            }
        }
        return result
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in epoch seconds, or nil when the text has another shape.
    static func epochSeconds(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            let slice = b[range]
            guard slice.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(String(decoding: slice, as: UTF8.self))
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19), (1...12).contains(mo), (1...31).contains(d), h < 24,
            mi < 60, s < 60
        else { return nil }
        return CivilDate.daysFromCivil(year: y, month: mo, day: d) * 86_400 + h * 3_600 + mi * 60 + s
    }

    /// Whether `text` is a lowercase 8-4-4-4-12 UUID with version 4 and the RFC 4122 variant.
    static func isUUIDv4(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                if c != UInt8(ascii: "-") { return false }
            } else if !((UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)) {
                return false
            }
        }
        return b[14] == UInt8(ascii: "4") && [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(b[19])
    }
}
