import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding

/// The validator's string scanning skips 8 bytes at a time; these tests put every kind of byte at every
/// alignment and compare with a simple per-piece model of what RFC 8259 and RFC 3629 allow.
@Suite struct ValidatorFuzzTests {
    /// A piece of string content and whether it is valid there.
    struct Piece {
        let bytes: [UInt8]
        let valid: Bool
        let decoded: String
    }

    static let validPieces: [Piece] = [
        Piece(bytes: Array("a".utf8), valid: true, decoded: "a"),
        Piece(bytes: Array("abcdefgh".utf8), valid: true, decoded: "abcdefgh"),
        Piece(bytes: [0x20], valid: true, decoded: " "),
        Piece(bytes: [0x21], valid: true, decoded: "!"),
        Piece(bytes: [0x7F], valid: true, decoded: "\u{7F}"),
        Piece(bytes: [0x5B, 0x5D, 0x7B, 0x7D, 0x2C, 0x3A], valid: true, decoded: "[]{},:"),
        Piece(bytes: Array(#"\""#.utf8), valid: true, decoded: "\""),
        Piece(bytes: Array(#"\\"#.utf8), valid: true, decoded: "\\"),
        Piece(bytes: Array(#"\n"#.utf8), valid: true, decoded: "\n"),
        Piece(bytes: Array(#"\u00e9"#.utf8), valid: true, decoded: "é"),
        Piece(bytes: Array(#"\ud83d\ude00"#.utf8), valid: true, decoded: "😀"),
        Piece(bytes: Array("é".utf8), valid: true, decoded: "é"),
        Piece(bytes: Array("€".utf8), valid: true, decoded: "€"),
        Piece(bytes: Array("😀".utf8), valid: true, decoded: "😀"),
        Piece(bytes: Array("\u{2028}".utf8), valid: true, decoded: "\u{2028}"),
        Piece(bytes: Array("\u{10FFFF}".utf8), valid: true, decoded: "\u{10FFFF}"),
        Piece(bytes: Array("\u{D7FF}".utf8), valid: true, decoded: "\u{D7FF}"),
        Piece(bytes: Array("\u{E000}".utf8), valid: true, decoded: "\u{E000}"),
    ]

    static let invalidPieces: [Piece] = [
        Piece(bytes: [0x00], valid: false, decoded: ""),
        Piece(bytes: [0x1F], valid: false, decoded: ""),
        Piece(bytes: [0x0A], valid: false, decoded: ""),
        Piece(bytes: [0x09], valid: false, decoded: ""),
        Piece(bytes: [0x80], valid: false, decoded: ""),
        Piece(bytes: [0xC0, 0x80], valid: false, decoded: ""),
        Piece(bytes: [0xED, 0xA0, 0x80], valid: false, decoded: ""),
        Piece(bytes: [0xF4, 0x90, 0x80, 0x80], valid: false, decoded: ""),
        Piece(bytes: [0xE2, 0x28, 0xA1], valid: false, decoded: ""),
        Piece(bytes: Array(#"\x"#.utf8), valid: false, decoded: ""),
        Piece(bytes: Array(#"\u00g0"#.utf8), valid: false, decoded: ""),
    ]

    @Test func everyPieceAtEveryAlignment() throws {
        for padding in 0..<17 {
            let pad = [UInt8](repeating: UInt8(ascii: "p"), count: padding)
            for piece in Self.validPieces + Self.invalidPieces {
                let content = pad + piece.bytes + Array("tail-after-piece".utf8)
                let input = Array(#"{"Records":[{"k":""#.utf8) + content + Array(#""}]}"#.utf8)
                let result = try decode(input)
                if piece.valid {
                    let decoded = try #require(result.value(), "piece \(piece.bytes) at \(padding)")
                    let r = try #require(decoded.records.first)
                    let text = r.bytes.withUnsafeBytes { JSONText.string($0, r.members[0].value) }
                    #expect(text == String(repeating: "p", count: padding) + piece.decoded + "tail-after-piece")
                } else {
                    let error = try #require(result.error(), "piece \(piece.bytes) at \(padding)")
                    #expect(error.code == .invalidJSON)
                    #expect(error.byteOffset == 18 + padding, "piece \(piece.bytes) at \(padding)")
                }
            }
        }
    }

    @Test func randomStringsAgainstTheModel() throws {
        var rng = SplitMix64(seed: 11)
        for round in 0..<400 {
            // Keys and values from random valid pieces, with one invalid piece in a quarter of the rounds.
            var members: [(key: [UInt8], value: [UInt8], keyText: String, valueText: String)] = []
            for _ in 0..<(Int(rng.next() % 4) + 1) {
                var key: [UInt8] = [], value: [UInt8] = []
                var keyText = "", valueText = ""
                for _ in 0..<Int(rng.next() % 6) {
                    let piece = Self.validPieces[Int(rng.next() % UInt64(Self.validPieces.count))]
                    key += piece.bytes
                    keyText += piece.decoded
                }
                for _ in 0..<Int(rng.next() % 12) {
                    let piece = Self.validPieces[Int(rng.next() % UInt64(Self.validPieces.count))]
                    value += piece.bytes
                    valueText += piece.decoded
                }
                members.append((key, value, keyText, valueText))
            }
            var record: [UInt8] = [UInt8(ascii: "{")]
            var contentStarts: [Int] = []
            for (index, member) in members.enumerated() {
                if index > 0 { record.append(UInt8(ascii: ",")) }
                contentStarts.append(record.count + 1)
                record += [0x22] + member.key + [0x22, 0x3A]
                contentStarts.append(record.count + 1)
                record += [0x22] + member.value + [0x22]
            }
            record.append(UInt8(ascii: "}"))
            var badOffset: Int?
            if rng.next() % 4 == 0 {
                // Put an invalid piece at the start of some key's or value's content.
                let bad = Self.invalidPieces[Int(rng.next() % UInt64(Self.invalidPieces.count))]
                let at = contentStarts[Int(rng.next() % UInt64(contentStarts.count))]
                record.insert(contentsOf: bad.bytes, at: at)
                badOffset = at
            }
            let prefix = Array(#"{"Records":["#.utf8)
            let input = prefix + record + Array("]}".utf8)
            let result = try decode(input)
            if let badOffset {
                let error = try #require(result.error(), "round \(round)")
                #expect(error.code == .invalidJSON, "round \(round)")
                #expect(error.byteOffset == prefix.count + badOffset, "round \(round)")
            } else {
                let decoded = try #require(result.value(), "round \(round)")
                let r = try #require(decoded.records.first)
                #expect(r.bytes == record)
                r.bytes.withUnsafeBytes { raw in
                    #expect(r.members.map { JSONText.string(raw, $0.key) } == members.map(\.keyText), "round \(round)")
                    #expect(r.members.map { JSONText.string(raw, $0.value) } == members.map(\.valueText), "round \(round)")
                    // Navigation (its own 8-byte skipping) sees the same members.
                    var navigated: [String] = []
                    JSONText.forEachMember(raw, object: JSONSlice(start: 0, end: raw.count, kind: .object)) { member in
                        navigated.append(JSONText.string(raw, member.key) + "=" + JSONText.string(raw, member.value))
                        return true
                    }
                    #expect(navigated == members.map { $0.keyText + "=" + $0.valueText }, "round \(round)")
                }
                // Foundation agrees on the value.
                let oracle = foundationParse(record) as? [String: Any]
                for member in members where members.filter({ $0.keyText == member.keyText }).count == 1 {
                    #expect(oracle?[member.keyText] as? String == member.valueText, "round \(round)")
                }
            }
        }
    }

    @Test func topLevelNumbersCutAtTheEnd() throws {
        // A number cut where a digit must follow is truncated; a wrong byte there is invalid.
        for (text, code) in [
            ("-", DecodeError.Code.truncatedJSON), ("1.", .truncatedJSON), ("1e", .truncatedJSON), ("1E+", .truncatedJSON),
            ("-0.5e-", .truncatedJSON), ("-x", .invalidJSON), ("1.x", .invalidJSON), ("1ex", .invalidJSON), ("1e+x", .invalidJSON),
            ("-1", nil), ("0", nil), ("1.5", nil), ("1e5", nil),
        ] {
            let result = try decode(text)
            if let code {
                #expect(result.failure?.code == code, "\(text)")
                if code == .truncatedJSON { #expect(result.failure?.byteOffset == text.utf8.count) }
            } else {
                #expect(result.failure == nil, "\(text)")
            }
        }
    }
}
