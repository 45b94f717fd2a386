import Foundation
import Testing
import TrailMillHex

/// The one hex encoder, checked against Foundation's `String(format: "%02x")` and `String(_:radix:)` as oracles.
@Suite("Hex")
struct HexTests {
    @Test("encode: every byte value, lowercase, as %02x")
    func encodeEveryByte() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0x00, 0xff, 0x10]) == "00ff10")
    }

    @Test("decode: either case, round trip; odd length or a non-hex digit is nil")
    func decode() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        #expect(Hex.decode(Hex.encode(bytes).uppercased()) == bytes)
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("aBcD") == [0xab, 0xcd])
        for bad in ["a", "abc", "zz", "0g", " 00", "é0"] { #expect(Hex.decode(bad) == nil, "\(bad)") }
    }

    @Test("digit values: 0-9, a-f, A-F; nothing else")
    func values() {
        for byte in 0...255 {
            let scalar = Character(Unicode.Scalar(UInt8(byte)))
            #expect(Hex.value(ofDigit: UInt8(byte)) == scalar.hexDigitValue.map(UInt8.init), "\(byte)")
        }
        #expect(Hex.isLowercase("0123456789abcdef"))
        #expect(!Hex.isLowercase("0123456789ABCDEF"))
        #expect(!Hex.isLowercase("xyz"))
    }

    @Test("digits of an integer: the last `count` digits, either case, as String(radix: 16)")
    func integerDigits() {
        for value: UInt64 in [0, 1, 0xAB, 0xDEAD_BEEF, 0x0123_4567_89AB_CDEF, .max] {
            for uppercase in [false, true] {
                var digits: [UInt8] = []
                Hex.forEachDigit(of: value, uppercase: uppercase) { digits.append($0) }
                let text = String(value, radix: 16, uppercase: uppercase)
                #expect(String(decoding: digits, as: UTF8.self) == String(repeating: "0", count: 16 - text.count) + text)
                digits = []
                Hex.forEachDigit(of: value, count: 4, uppercase: uppercase) { digits.append($0) }
                #expect(String(decoding: digits, as: UTF8.self) == String((String(repeating: "0", count: 16 - text.count) + text).suffix(4)))
                digits = []
                Hex.forEachDigit(of: value, count: 20, uppercase: uppercase) { digits.append($0) }
                #expect(String(decoding: digits, as: UTF8.self) == String(repeating: "0", count: 20 - text.count) + text)
            }
        }
        for nibble: UInt8 in 0...15 {
            #expect(Hex.digit(nibble) == Array(String(nibble, radix: 16).utf8)[0])
            #expect(Hex.digit(nibble, uppercase: true) == Array(String(nibble, radix: 16, uppercase: true).utf8)[0])
            #expect(Hex.digit(nibble | 0xF0) == Hex.digit(nibble))
        }
    }
}
