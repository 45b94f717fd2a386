import Testing
import TrailMillDecoding

/// `OutputBuffer`: growth across appends of every overload, `removeAll`, `bytes`.
@Suite struct OutputBufferTests {
    @Test func startsEmpty() {
        for capacity in [0, 1, 64, 1 << 16] {
            let buffer = OutputBuffer(capacity: capacity)
            #expect(buffer.count == 0)
            #expect(buffer.bytes == [])
            buffer.withUnsafeBytes { #expect($0.count == 0) }
        }
    }

    @Test func singleBytesGrowFromTheSmallestCapacity() {
        let buffer = OutputBuffer(capacity: 0)
        var mirror: [UInt8] = []
        for i in 0..<100_000 {
            let byte = UInt8(truncatingIfNeeded: i &* 31)
            buffer.append(byte)
            mirror.append(byte)
        }
        #expect(buffer.count == 100_000)
        #expect(buffer.bytes == mirror)
    }

    @Test(arguments: [UInt64(1), 2, 3, 42])
    func mixedOverloadsMatchAnArray(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let buffer = OutputBuffer(capacity: Int(seed % 3) * 40)
        var mirror: [UInt8] = []
        let literals: [StaticString] = ["", "a", "\"Records\"", "é😀\u{2028}", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"]
        for step in 0..<5000 {
            switch rng.next() % 5 {
            case 0:
                let byte = UInt8(truncatingIfNeeded: rng.next())
                buffer.append(byte)
                mirror.append(byte)
            case 1:
                let array = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                buffer.append(array)
                mirror += array
            case 2:
                let literal = literals[Int(rng.next() % UInt64(literals.count))]
                buffer.append(literal)
                mirror += UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            case 3:
                let array = (0..<Int(rng.next() % 5000)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                array.withUnsafeBytes { buffer.append($0) }
                mirror += array
            default:
                buffer.reserve(Int(rng.next() % 10_000))
            }
            if step % 500 == 0 {
                #expect(buffer.count == mirror.count)
                #expect(buffer.bytes == mirror)
            }
        }
        #expect(buffer.bytes == mirror)
        buffer.withUnsafeBytes { #expect(Array($0) == mirror) }
    }

    @Test func emptyAppendsChangeNothing() {
        let buffer = OutputBuffer(capacity: 64)
        buffer.append("x")
        buffer.append([])
        buffer.append("")
        buffer.append(UnsafeRawBufferPointer(start: nil, count: 0))
        [UInt8]().withUnsafeBytes { buffer.append($0) }
        #expect(buffer.bytes == [UInt8(ascii: "x")])
    }

    @Test func oneAppendMuchLargerThanTheCapacity() {
        let buffer = OutputBuffer(capacity: 64)
        buffer.append("ab")
        let big = (0..<1_000_003).map { UInt8(truncatingIfNeeded: $0) }
        buffer.append(big)
        #expect(buffer.count == 1_000_005)
        #expect(buffer.bytes == Array("ab".utf8) + big)
    }

    @Test func removeAllKeepsWorking() {
        let buffer = OutputBuffer(capacity: 64)
        for round in 0..<5 {
            let content = (0..<(round * 10_000 + 7)).map { UInt8(truncatingIfNeeded: $0 &+ round) }
            buffer.append(content)
            buffer.append(UInt8(ascii: "\n"))
            #expect(buffer.bytes == content + [0x0A])
            buffer.removeAll()
            #expect(buffer.count == 0)
            #expect(buffer.bytes == [])
        }
        buffer.append("after")
        #expect(buffer.bytes == Array("after".utf8))
    }

    @Test func bytesIsACopy() {
        let buffer = OutputBuffer()
        buffer.append("abc")
        let snapshot = buffer.bytes
        buffer.removeAll()
        buffer.append("xyz")
        #expect(snapshot == Array("abc".utf8))
        #expect(buffer.bytes == Array("xyz".utf8))
    }
}
