import Testing
import TrailMillDedupe

private func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 { bytes.withUnsafeBytes { FastHash.hash($0, seed: seed) } }
private func hash(_ text: String, seed: UInt64 = 0) -> UInt64 { hash(Array(text.utf8), seed: seed) }

/// 64 bytes that are not all alike (so each prefix and each position matters).
private let sample: [UInt8] = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

@Suite("FastHash")
struct FastHashTests {
    @Test func deterministicAcrossCallsAndBuffers() {
        let text = "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e"
        let first = hash(text, seed: 42)
        #expect(hash(text, seed: 42) == first)
        // The same bytes in another allocation, and at an unaligned address.
        var copy = [UInt8](repeating: 0, count: text.utf8.count + 3)
        copy.replaceSubrange(3..., with: Array(text.utf8))
        let unaligned = copy.withUnsafeBytes { FastHash.hash(UnsafeRawBufferPointer(rebasing: $0[3...]), seed: 42) }
        #expect(unaligned == first)
        #expect(hash("", seed: 0) == hash([], seed: 0))
        #expect(FastHash.mix(1) == FastHash.mix(1))
        #expect(FastHash.mix(1) != FastHash.mix(2))
    }

    @Test func differentSeedsDiffer() {
        for length in [0, 1, 7, 8, 15, 16, 17, 36, 64] {
            let bytes = Array(sample.prefix(length))
            let values = [0, 1, 2, 0x5151_A7A7_0F0F_3C3C, UInt64.max].map { hash(bytes, seed: $0) }
            #expect(Set(values).count == values.count, "length \(length)")
        }
    }

    /// Every length 0…64 hashes (crossing the 8- and 16-byte paths) and differs from its neighbours, from
    /// every one-byte change, and from the other lengths.
    @Test func lengthsZeroThroughSixtyFour() {
        var seen: [UInt64: Int] = [:]
        for length in 0...64 {
            let bytes = Array(sample.prefix(length))
            let value = hash(bytes)
            #expect(seen[value] == nil, "length \(length) collides with length \(seen[value] ?? -1)")
            seen[value] = length
            // Trailing zero bytes still change the hash (the length is mixed in).
            #expect(hash(bytes + [0]) != value)
            for position in 0..<length {
                var changed = bytes
                changed[position] ^= 0x01
                #expect(hash(changed) != value, "length \(length), position \(position)")
                changed[position] ^= 0x81
                #expect(hash(changed) != value, "length \(length), position \(position), high bit")
            }
        }
        #expect(seen.count == 65)
    }

    /// An empty buffer hashes the same whether or not it has a base address.
    @Test func emptyBufferWithoutBaseAddress() {
        for seed: UInt64 in [0, 7, .max] {
            let withBase = [UInt8]().withUnsafeBytes { FastHash.hash($0, seed: seed) }
            let withoutBase = FastHash.hash(UnsafeRawBufferPointer(start: nil, count: 0), seed: seed)
            #expect(withoutBase == withBase)
        }
    }

    /// Rough spread: the low bits (the dedupe table's slot) of hashes of sequential GUID-like IDs are well spread.
    @Test func lowBitsSpread() {
        var buckets = [Int](repeating: 0, count: 64)
        for n in 0..<6400 {
            let id = "00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(n).count))\(n)"
            buckets[Int(hash(id) & 63)] += 1
        }
        // Expected 100 per bucket; a decent hash stays far from empty or doubled buckets.
        #expect(buckets.min()! > 50)
        #expect(buckets.max()! < 160)
    }
}
