/// A clean-room strict LEEF 2.0 line parser for the test suite, from `shared/reference/cef.md` §3 (IBM "LEEF event
/// components"):
///
/// `LEEF:2.0|Vendor|Product|Version|EventID|DelimiterSpec|attr1=v1<delim>attr2=v2…`
///
/// - DelimiterSpec is one character, or `x`/`0x` followed by 1–4 hex digits (`x09`, `0x5E`);
/// - header fields contain no `|` (LEEF has no escaping) and, except the product version, are non-empty;
///   EventID ≤ 255 characters;
/// - attributes are split on the delimiter, each at its **first** `=`; keys non-empty, unique, without spaces;
///   no empty attribute (a doubled or trailing delimiter) is accepted;
/// - no C0 control character or DEL anywhere except the delimiter itself between attributes;
/// - typed keys: `devTime` 13-digit epoch ms, `sev` integer 1–10, `usrName` ≤ 255, `src`/`dst` an IP (IPv4 strict or
///   IPv6), `srcPort`/`dstPort` 0–65535.
struct LEEFParser {
    static func parse(_ line: String) throws(LEEFParseError) -> LEEFEvent {
        let s = Array(line.unicodeScalars)
        let magic = Array("LEEF:".unicodeScalars)
        guard s.count >= magic.count, Array(s[0..<magic.count]) == magic else {
            throw LEEFParseError("the line does not start with `LEEF:`")
        }
        var i = magic.count
        // Version, Vendor, Product, Version, EventID: five pipe-terminated fields.
        var fields: [String] = []
        for _ in 0..<5 {
            guard let pipe = s[i...].firstIndex(of: "|") else {
                throw LEEFParseError("the header has \(fields.count) of the 5 pipe-terminated fields before the delimiter")
            }
            fields.append(String(String.UnicodeScalarView(s[i..<pipe])))
            i = pipe + 1
        }
        guard fields[0] == "2.0" else { throw LEEFParseError("LEEF version must be 2.0, found `\(fields[0])`") }
        let names = ["version", "vendor", "product", "productVersion", "eventID"]
        for (n, field) in fields.enumerated() {
            // The product version may be empty (mapping v1: "empty when eventVersion is null"); the others not.
            if field.isEmpty && n != 3 { throw LEEFParseError("header \(names[n]) is empty") }
            if let bad = field.unicodeScalars.first(where: isControl) {
                throw LEEFParseError("control character U+\(hex(bad.value)) in header \(names[n])")
            }
        }
        if fields[4].unicodeScalars.count > 255 {
            throw LEEFParseError("EventID has \(fields[4].unicodeScalars.count) characters, limit 255")
        }

        // Delimiter spec: up to the next pipe (a literal `|` delimiter is written `||`).
        let specEnd: Int
        if i < s.count, s[i] == "|" {
            specEnd = i + 1
            guard specEnd < s.count, s[specEnd] == "|" else { throw LEEFParseError("empty delimiter field") }
        } else {
            guard let pipe = s[i...].firstIndex(of: "|") else { throw LEEFParseError("no `|` after the delimiter field") }
            specEnd = pipe
        }
        let spec = String(String.UnicodeScalarView(s[i..<specEnd]))
        let delimiter = try delimiterCharacter(spec)
        i = specEnd + 1

        // Attributes.
        var attributes: [(key: String, value: String)] = []
        var seen: Set<String> = []
        if i < s.count {
            let body = Array(s[i...])
            let parts = body.split(separator: delimiter, omittingEmptySubsequences: false)
            for part in parts {
                let text = String(String.UnicodeScalarView(part))
                guard !part.isEmpty else { throw LEEFParseError("empty attribute (doubled or trailing delimiter)") }
                if let bad = part.first(where: isControl) {
                    throw LEEFParseError("control character U+\(hex(bad.value)) in attribute `\(text.prefix(40))`")
                }
                guard let eq = part.firstIndex(of: "=") else { throw LEEFParseError("attribute without `=`: `\(text.prefix(40))`") }
                let key = String(String.UnicodeScalarView(part[part.startIndex..<eq]))
                let value = String(String.UnicodeScalarView(part[(eq + 1)...]))
                guard !key.isEmpty else { throw LEEFParseError("attribute with an empty key: `\(text.prefix(40))`") }
                guard !key.unicodeScalars.contains(where: { $0 == " " || $0 == "|" }) else {
                    throw LEEFParseError("attribute key `\(key)` contains a space or pipe")
                }
                guard seen.insert(key).inserted else { throw LEEFParseError("attribute key `\(key)` appears more than once") }
                attributes.append((key, value))
            }
        }
        try checkTypes(attributes)
        return LEEFEvent(
            vendor: fields[1], product: fields[2], productVersion: fields[3], eventID: fields[4], delimiterSpec: spec,
            delimiter: delimiter, attributes: attributes)
    }

    static func isControl(_ c: Unicode.Scalar) -> Bool { c.value < 0x20 || c.value == 0x7F }

    /// A single character, or `x`/`0x` + 1–4 hex digits.
    static func delimiterCharacter(_ spec: String) throws(LEEFParseError) -> Unicode.Scalar {
        let scalars = Array(spec.unicodeScalars)
        if scalars.count == 1 {
            let c = scalars[0]
            guard c != "=" else { throw LEEFParseError("`=` cannot be the delimiter") }
            guard !isControl(c) else { throw LEEFParseError("raw control character as the delimiter spec; use the hex form") }
            return c
        }
        var digits = Substring(spec)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("x") || digits.hasPrefix("X") {
            digits = digits.dropFirst(1)
        } else {
            throw LEEFParseError("delimiter spec `\(spec)` is neither one character nor `x`/`0x` + hex")
        }
        guard (1...4).contains(digits.utf8.count), digits.utf8.allSatisfy(IPAddressText.isHexDigit),
            let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value)
        else { throw LEEFParseError("delimiter spec `\(spec)` has no valid 1–4 digit hex value") }
        guard scalar != "=" else { throw LEEFParseError("`=` cannot be the delimiter") }
        return scalar
    }

    static func checkTypes(_ attributes: [(key: String, value: String)]) throws(LEEFParseError) {
        for (key, value) in attributes {
            switch key {
            case "devTime":
                guard value.utf8.count == 13, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    throw LEEFParseError("devTime must be 13-digit epoch milliseconds, found `\(value)`")
                }
            case "sev":
                guard StrictCEFParser.isUnsigned(value), !value.hasPrefix("0"), let n = Int(value), (1...10).contains(n) else {
                    throw LEEFParseError("sev must be an integer 1–10, found `\(value)`")
                }
            case "usrName":
                guard value.unicodeScalars.count <= 255 else {
                    throw LEEFParseError("usrName has \(value.unicodeScalars.count) characters, limit 255")
                }
            case "src", "dst":
                guard IPAddressText.isIP(value) else { throw LEEFParseError("\(key) must be an IP address, found `\(value)`") }
            case "srcPort", "dstPort":
                guard StrictCEFParser.isUnsigned(value), let n = Int(value), (0...65535).contains(n) else {
                    throw LEEFParseError("\(key) must be a port 0–65535, found `\(value)`")
                }
            default: break
            }
        }
    }
}

struct LEEFEvent: Sendable {
    var vendor: String
    var product: String
    var productVersion: String
    var eventID: String
    /// The delimiter field as written (`x09`, `^`, …).
    var delimiterSpec: String
    var delimiter: Unicode.Scalar
    var attributes: [(key: String, value: String)]

    var attrs: [String: String] { Dictionary(attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) }
    var keys: [String] { attributes.map(\.key) }
    subscript(_ key: String) -> String? { attributes.first { $0.key == key }?.value }
}

struct LEEFParseError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
