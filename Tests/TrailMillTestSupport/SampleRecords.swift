import Foundation

/// Finding CloudTrail records in the files of `../shared/samples` **with their original text** (escapes, key
/// order and number spelling as published), whatever the container: `{"Records":[…]}`, a bare array, NDJSON,
/// a single record, LookupEvents output (`Events[].CloudTrailEvent` strings), an EventBridge envelope (`detail`).
/// Digest files yield none. The same containers `ConformanceTests.records(in:)` accepts, but that helper
/// re-serializes records with Foundation, which would change the bytes the encoder sees (e.g. `/` → `\/`).
public enum SampleRecords {
    public struct Record {
        /// Path of the sample file, relative to the samples folder.
        public var file: String
        /// Position among the records of that file.
        public var index: Int
        /// The record's JSON text as published.
        public var text: String
        /// The record parsed by Foundation (the oracle's view).
        public var object: [String: Any]
    }

    /// Every record of every `.json` / `.ndjson` sample file, in path order.
    public static func all(in root: String) throws -> [Record] {
        let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".ndjson") }.sorted()
        var out: [Record] = []
        for file in files {
            let texts = try records(inFile: root + "/" + file)
            for (n, text) in texts.enumerated() {
                guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                out.append(Record(file: file, index: n, text: text, object: object))
            }
        }
        return out
    }

    public static func records(inFile path: String) throws -> [String] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        if path.hasSuffix(".ndjson") || RawJSON.parse(bytes) == nil {
            return bytes.split(separator: UInt8(ascii: "\n")).flatMap { line -> [String] in
                guard let value = RawJSON.parse(Array(line)) else { return [] }
                return collect(value, Array(line))
            }
        }
        return collect(RawJSON.parse(bytes)!, bytes)
    }

    static func collect(_ value: RawJSON.Value, _ bytes: [UInt8]) -> [String] {
        switch value {
        case .array(let items, _):
            return items.flatMap { collect($0, bytes) }
        case .object(let members, let span):
            let keys = Set(members.map(\.key))
            if keys.contains("eventVersion") && (keys.contains("eventName") || keys.contains("insightDetails")) {
                return [String(decoding: bytes[span], as: UTF8.self)]
            }
            var found: [String] = []
            for (key, member) in members {
                switch key {
                case "Records", "detail":
                    found += collect(member, bytes)
                case "Events":
                    guard case .array(let events, _) = member else { continue }
                    for case .object(let eventMembers, _) in events {
                        for (k, v) in eventMembers where k == "CloudTrailEvent" {
                            guard case .string(let span) = v, let text = RawJSON.decodeString(bytes[span]),
                                let inner = RawJSON.parse(Array(text.utf8))
                            else { continue }
                            found += collect(inner, Array(text.utf8))
                        }
                    }
                default: break
                }
            }
            return found
        default:
            return []
        }
    }
}

/// A small JSON scanner that keeps each value's byte span (test support; strings are decoded only on demand).
public enum RawJSON {
    public indirect enum Value {
        case object([(key: String, value: Value)], Range<Int>)
        case array([Value], Range<Int>)
        /// The span includes the quotes.
        case string(Range<Int>)
        case scalar(Range<Int>)
    }

    /// The one JSON value making up `bytes` (surrounding whitespace allowed), or nil.
    public static func parse(_ bytes: [UInt8]) -> Value? {
        var scanner = Scanner(bytes: bytes)
        guard let value = scanner.value() else { return nil }
        scanner.skipSpace()
        return scanner.i == bytes.count ? value : nil
    }

    /// Decodes a quoted JSON string's text through Foundation.
    public static func decodeString(_ quoted: ArraySlice<UInt8>) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(quoted), options: [.fragmentsAllowed])) as? String
    }

    struct Scanner {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func value(depth: Int = 0) -> Value? {
            skipSpace()
            guard i < bytes.count, depth < 1000 else { return nil }
            let start = i
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(key: String, value: Value)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object([], start..<i)
                }
                while true {
                    skipSpace()
                    guard let keySpan = string(), let key = RawJSON.decodeString(bytes[keySpan]) else { return nil }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    guard let member = value(depth: depth + 1) else { return nil }
                    members.append((key, member))
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard bytes[i] == UInt8(ascii: "}") else { return nil }
                    i += 1
                    return .object(members, start..<i)
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [Value] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array([], start..<i)
                }
                while true {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard bytes[i] == UInt8(ascii: "]") else { return nil }
                    i += 1
                    return .array(items, start..<i)
                }
            case UInt8(ascii: "\""):
                return string().map { .string($0) }
            default:
                while i < bytes.count, !([0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x5D, 0x7D] as [UInt8]).contains(bytes[i]) { i += 1 }
                guard i > start else { return nil }
                let token = String(decoding: bytes[start..<i], as: UTF8.self)
                guard ["true", "false", "null"].contains(token) || Double(token) != nil else { return nil }
                return .scalar(start..<i)
            }
        }

        /// A quoted string's span (quotes included).
        mutating func string() -> Range<Int>? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let start = i
            i += 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "\""):
                    i += 1
                    return start..<i
                default: i += 1
                }
            }
            return nil
        }
    }
}

extension RawJSON.Value {
    /// The value's byte span in the text it was parsed from.
    public var span: Range<Int> {
        switch self {
        case .object(_, let s), .array(_, let s), .string(let s), .scalar(let s): s
        }
    }
}
