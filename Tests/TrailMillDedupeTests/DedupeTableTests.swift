public import Testing
public import TrailMillDedupe

/// A deterministic, well-spread key for `n` (no string formatting, so 200,000 of them are cheap).
private func numberedKey(_ n: Int) -> EventKey {
    withUnsafeBytes(of: UInt64(bitPattern: Int64(n))) { EventKey(high: FastHash.hash($0, seed: 1), low: FastHash.hash($0, seed: 2)) }
}

/// Table capacity in entries, from the storage size (24-byte entries).
private func capacity(_ table: DedupeTable) -> Int { table.storageBytes / 24 }

extension DedupeTable: CustomTestStringConvertible {
    /// Short failure messages (not every entry).
    public var testDescription: String { "DedupeTable(count: \(count), storageBytes: \(storageBytes))" }
}

@Suite("DedupeTable")
struct DedupeTableTests {
    @Test func verdicts() {
        var table = DedupeTable()
        let a = key("3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e", "111122223333")
        let b = key("3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e", "444455556666")
        #expect(!table.contains(a))
        #expect(table.insert(a, contentHash: 100) == .new)
        #expect(table.count == 1)
        #expect(table.contains(a))
        #expect(!table.contains(b))
        #expect(table.insert(a, contentHash: 100) == .duplicate)
        #expect(table.insert(a, contentHash: 101) == .conflict)
        // The first copy's content stays the reference.
        #expect(table.insert(a, contentHash: 100) == .duplicate)
        #expect(table.insert(a, contentHash: 101) == .conflict)
        #expect(table.count == 1)
        // Same event ID, other recipient account: a separate copy, not a duplicate.
        #expect(table.insert(b, contentHash: 100) == .new)
        #expect(table.count == 2)
        #expect(table.contains(b))
        // Content hash 0 is an ordinary value.
        let c = key("11111111-2222-4333-8444-555555555555", "111122223333")
        #expect(table.insert(c, contentHash: 0) == .new)
        #expect(table.insert(c, contentHash: 0) == .duplicate)
        #expect(table.insert(c, contentHash: 1) == .conflict)
        #expect(table.count == 3)
    }

    @Test func initialSizing() {
        #expect(DedupeTable(expected: 0).storageBytes == 1024 * 24)
        #expect(DedupeTable(expected: 768).storageBytes == 1024 * 24)
        #expect(DedupeTable(expected: 769).storageBytes == 2048 * 24)
        #expect(DedupeTable(expected: 1000).storageBytes == 2048 * 24)
        #expect(DedupeTable().storageBytes == (1 << 17) * 24)
        #expect(DedupeTable(expected: 200_000).storageBytes == (1 << 19) * 24)
        #expect(DedupeTable().count == 0)
    }

    /// Growth past the initial size keeps every key and its content hash; memory stays within the stated bound.
    @Test func growthKeepsEveryKey() {
        var table = DedupeTable(expected: 0)
        let total = 200_000
        var grew = 0
        var lastCapacity = capacity(table)
        for n in 0..<total {
            // Plain checks in this hot loop; `Issue.record` only on failure.
            let verdict = table.insert(numberedKey(n), contentHash: UInt64(n))
            if verdict != .new { Issue.record("key \(n): \(verdict) on first insert") }
            let cap = capacity(table)
            if cap != lastCapacity {
                grew += 1
                #expect(cap == lastCapacity * 2)
                lastCapacity = cap
            }
            if table.storageBytes != cap * 24 || cap & (cap - 1) != 0 { Issue.record("storage \(table.storageBytes)") }
            // Never fuller than 3/4; once past the first growth, 32–64 bytes per distinct key.
            if table.count * 4 > cap * 3 { Issue.record("load above 3/4 at count \(table.count)") }
            if table.count != n + 1 { Issue.record("count \(table.count) after \(n + 1) keys") }
            if table.count >= 768 {
                let perKey = Double(table.storageBytes) / Double(table.count)
                if perKey < 32 || perKey > 64 {
                    Issue.record("\(perKey) bytes per key at count \(table.count)")
                    break
                }
            }
        }
        #expect(table.count == total)
        #expect(grew == 9)  // 1024 → 524,288 entries
        #expect(capacity(table) == 1 << 19)
        #expect(table.storageBytes <= 64 * total)
        #expect(table.storageBytes >= 32 * total)

        // Every key is still there, with its first content hash.
        var duplicates = 0
        var conflicts = 0
        for n in 0..<total {
            if !table.contains(numberedKey(n)) { Issue.record("key \(n) lost") }
            switch table.insert(numberedKey(n), contentHash: UInt64(n)) {
            case .duplicate: duplicates += 1
            case .conflict, .new: break
            }
            if n % 1000 == 0 {
                #expect(table.insert(numberedKey(n), contentHash: UInt64(n) + 1) == .conflict)
                conflicts += 1
            }
        }
        #expect(duplicates == total)
        #expect(conflicts == total / 1000)
        #expect(table.count == total)
        #expect(!table.contains(numberedKey(total)))
        #expect(!table.contains(numberedKey(-1)))
    }

    /// Re-inserting existing keys at the growth threshold may grow the table, but never past 64 bytes per key.
    @Test func duplicatesAtThresholdStayWithinBound() {
        var table = DedupeTable(expected: 0)
        for n in 0..<768 { _ = table.insert(numberedKey(n), contentHash: 0) }
        #expect(table.count == 768)
        #expect(table.storageBytes == 1024 * 24)
        #expect(table.insert(numberedKey(5), contentHash: 0) == .duplicate)
        #expect(table.storageBytes <= 64 * table.count)
        #expect(table.storageBytes >= 32 * table.count)
        for n in 0..<768 { #expect(table.contains(numberedKey(n))) }
    }

    /// Keys whose low part was given as 0 (the empty-slot marker) still work.
    @Test func lowPartZero() {
        var table = DedupeTable(expected: 0)
        let zero = EventKey(high: 12345, low: 0)
        #expect(table.insert(zero, contentHash: 1) == .new)
        #expect(table.contains(zero))
        #expect(table.contains(EventKey(high: 12345, low: 0)))
        #expect(table.insert(EventKey(high: 12345, low: 0), contentHash: 1) == .duplicate)
        #expect(table.insert(zero, contentHash: 2) == .conflict)
        #expect(table.count == 1)
        // Also when the low part is set to 0 after creation (the members are public and settable).
        var mutated = EventKey(high: 999, low: 7)
        mutated.low = 0
        #expect(table.insert(mutated, contentHash: 5) == .new)
        #expect(table.contains(mutated))
        #expect(table.insert(mutated, contentHash: 5) == .duplicate)
        #expect(table.count == 2)
        // It survives growth.
        for n in 0..<5000 { _ = table.insert(numberedKey(n), contentHash: 0) }
        #expect(table.contains(zero))
        #expect(table.contains(mutated))
        #expect(table.insert(mutated, contentHash: 5) == .duplicate)
        #expect(table.count == 5002)
    }

    /// Keys that all start at the last slot wrap around to the start of the array, before and after growth.
    @Test func probingWrapsAround() {
        var table = DedupeTable(expected: 0)
        let keys = (1...40).map { EventKey(high: 1023, low: UInt64($0)) } + (1...10).map { EventKey(high: 0, low: UInt64($0)) }
        for (n, k) in keys.enumerated() { #expect(table.insert(k, contentHash: UInt64(n)) == .new) }
        for (n, k) in keys.enumerated() {
            #expect(table.contains(k))
            #expect(table.insert(k, contentHash: UInt64(n)) == .duplicate)
        }
        #expect(!table.contains(EventKey(high: 1023, low: 41)))
        #expect(!table.contains(EventKey(high: 1022, low: 1)))
        for n in 0..<2000 { _ = table.insert(numberedKey(n), contentHash: 0) }
        #expect(capacity(table) > 1024)
        for (n, k) in keys.enumerated() { #expect(table.insert(k, contentHash: UInt64(n)) == .duplicate) }
        #expect(table.count == 2050)
    }

    /// Same high part, different low part: different keys.
    @Test func sameHighDifferentLow() {
        var table = DedupeTable(expected: 0)
        #expect(table.insert(EventKey(high: 7, low: 1), contentHash: 0) == .new)
        #expect(table.insert(EventKey(high: 7, low: 2), contentHash: 0) == .new)
        #expect(table.insert(EventKey(high: 8, low: 1), contentHash: 0) == .new)
        #expect(table.count == 3)
    }
}
