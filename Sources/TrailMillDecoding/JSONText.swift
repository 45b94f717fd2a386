import TrailMillHex

/// Reading values out of JSON text that `LogFileDecoder` has already validated.
///
/// These functions trust their input: they skip values without re-checking grammar, so they must only be given
/// bytes and slices that came from a validated record.
public enum JSONText {
    /// Whether the string slice's content equals `literal` (escapes are decoded first when present).
    @inlinable
    public static func equals(_ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice, _ literal: StaticString) -> Bool {
        if slice.hasEscapes { return string(bytes, slice).utf8.elementsEqual(literalBuffer(literal)) }
        return equals(UnsafeRawBufferPointer(rebasing: bytes[slice.range]), literal)
    }

    /// Whether `bytes` equal `literal` exactly.
    @inlinable
    public static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        guard count > 0, let base = bytes.baseAddress else { return true }
        return bytesEqual(base, UnsafeRawPointer(literal.utf8Start), count)
    }

    /// Whether a string slice's content equals `other` (escapes are decoded first when present).
    public static func equals(_ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice, _ other: [UInt8]) -> Bool {
        if slice.hasEscapes { return string(bytes, slice).utf8.elementsEqual(other) }
        guard slice.count == other.count else { return false }
        return other.withUnsafeBytes { o in
            o.isEmpty || bytesEqual(bytes.baseAddress! + slice.range.lowerBound, o.baseAddress!, o.count)
        }
    }

    @usableFromInline
    static func literalBuffer(_ literal: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// Whether `count` bytes at `a` and `b` are equal.
    @inlinable
    public static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        var k = 0
        while k &+ 8 <= count {
            if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                return false
            }
            k &+= 8
        }
        while k < count {
            if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
            k &+= 1
        }
        return true
    }

    /// The decoded text of a string slice. Escapes are resolved (surrogate pairs combined); a lone surrogate
    /// escape becomes U+FFFD, since a Swift `String` cannot hold one.
    public static func string(_ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[slice.range])
        guard slice.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        unescape(raw, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the decoded UTF-8 of escaped string content to `out`.
    public static func unescape(_ raw: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var i = 0
        let n = raw.count
        while i < n {
            let c = raw[i]
            guard c == UInt8(ascii: "\\"), i + 1 < n else {
                out.append(c)
                i += 1
                continue
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(raw, i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    if i + 6 <= n, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") {
                        let low = hex4(raw, i + 2)
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendUTF8(UInt32(scalar), to: &out)
            default: out.append(e)  // \" \\ \/
            }
        }
    }

    private static func hex4(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Int {
        guard i + 4 <= raw.count else { return 0xFFFD }
        var value = 0
        for k in 0..<4 { value = value << 4 | Int(Hex.value(ofDigit: raw[i + k]) ?? 0) }
        return value
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value.
    public static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    // MARK: Navigation

    /// Calls `body` for each member of a validated object slice, in order; stop early by returning false.
    @inlinable
    public static func forEachMember(
        _ bytes: UnsafeRawBufferPointer, object: JSONSlice, _ body: (JSONMember) -> Bool
    ) {
        guard object.kind == .object, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return
        }
        var i = Int(object.start) + 1
        let end = Int(object.end) - 1
        while true {
            skipWhitespace(base, &i, end)
            guard i < end, base[i] == UInt8(ascii: "\"") else { return }
            let key = skipValue(base, &i, end)
            skipWhitespace(base, &i, end)
            i += 1  // :
            skipWhitespace(base, &i, end)
            let value = skipValue(base, &i, end)
            if !body(JSONMember(key: key, value: value)) { return }
            skipWhitespace(base, &i, end)
            i += 1  // , or the closing }
        }
    }

    /// Calls `body` for each element of a validated array slice, in order.
    @inlinable
    public static func forEachElement(_ bytes: UnsafeRawBufferPointer, array: JSONSlice, _ body: (JSONSlice) -> Void) {
        guard array.kind == .array, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var i = Int(array.start) + 1
        let end = Int(array.end) - 1
        while true {
            skipWhitespace(base, &i, end)
            guard i < end else { return }
            body(skipValue(base, &i, end))
            skipWhitespace(base, &i, end)
            i += 1  // , or ]
        }
    }

    /// The value of the first member of `object` whose key equals `key`.
    @inlinable
    public static func member(_ bytes: UnsafeRawBufferPointer, _ object: JSONSlice, _ key: StaticString) -> JSONSlice? {
        var found: JSONSlice?
        forEachMember(bytes, object: object) { member in
            if equals(bytes, member.key, key) {
                found = member.value
                return false
            }
            return true
        }
        return found
    }

    @inlinable
    static func skipWhitespace(_ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) {
        while i < end {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// Skips one validated value starting at `i` and returns its slice.
    @inlinable
    static func skipValue(_ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> JSONSlice {
        let start = i
        switch base[i] {
        case UInt8(ascii: "\""):
            let escaped = skipString(base, &i, end)
            return JSONSlice(start: start + 1, end: i - 1, kind: .string, hasEscapes: escaped)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let kind: JSONKind = base[i] == UInt8(ascii: "{") ? .object : .array
            var depth = 0
            repeat {
                switch base[i] {
                case UInt8(ascii: "\""):
                    _ = skipString(base, &i, end)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                i += 1
            } while depth > 0
            return JSONSlice(start: start, end: i, kind: kind)
        case UInt8(ascii: "t"):
            i += 4
            return JSONSlice(start: start, end: i, kind: .true)
        case UInt8(ascii: "f"):
            i += 5
            return JSONSlice(start: start, end: i, kind: .false)
        case UInt8(ascii: "n"):
            i += 4
            return JSONSlice(start: start, end: i, kind: .null)
        default:
            repeat { i += 1 } while isNumberByte(base[i])
            return JSONSlice(start: start, end: i, kind: .number)
        }
    }

    @inlinable
    static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e")
            || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }

    /// Skips a validated string from its opening quote; returns whether it had escapes.
    @inlinable
    static func skipString(_ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Bool {
        i += 1
        var escaped = false
        while true {
            // Skip 8 bytes at a time while none is a quote or a backslash, never reading past `end`.
            while i &+ 8 <= end {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let quote = word ^ 0x2222_2222_2222_2222
                let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101
                let hit = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & 0x8080_8080_8080_8080
                if hit != 0 {
                    i &+= hit.trailingZeroBitCount &>> 3  // the lowest flagged byte is exact
                    break
                }
                i &+= 8
            }
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return escaped
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                i += 2
            } else {
                i += 1
            }
        }
    }

    /// "an object", "an array", "a string", "a number", "true", "false" or "null".
    public static func describe(_ kind: JSONKind) -> String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .true: "true"
        case .false: "false"
        case .null: "null"
        }
    }
}
