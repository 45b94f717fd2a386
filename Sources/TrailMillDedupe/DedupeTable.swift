/// What the table says about an event key it is shown.
public enum DedupeVerdict: Sendable, Hashable {
    /// First time this key is seen: deliver the event.
    case new
    /// Seen before with the same content: a duplicate delivery, drop it.
    case duplicate
    /// Seen before with different content: keep the first copy, count and report this one.
    case conflict
}

/// The set of event keys already delivered, each with a 64-bit hash of the first copy's content.
///
/// Open addressing with linear probing over one flat array of 24-byte entries, kept at most 3/4 full, so each
/// distinct event costs 32–64 bytes (24 / load factor) and no per-key allocation. Written here instead of using
/// `Dictionary` because a dictionary would hash the already-random key again with SipHash on every lookup and
/// keeps keys and values in separate allocations; this keeps one predictable allocation that a run can report.
public struct DedupeTable: Sendable {
    struct Entry: Sendable {
        var high: UInt64
        var low: UInt64
        var content: UInt64
    }

    var entries: [Entry]
    var mask: Int
    /// Distinct keys stored.
    public private(set) var count = 0

    /// Creates a table sized for about `expected` keys without growing.
    public init(expected: Int = 1 << 16) {
        var capacity = 1024
        while capacity * 3 / 4 < expected { capacity *= 2 }
        entries = Array(repeating: Entry(high: 0, low: 0, content: 0), count: capacity)
        mask = capacity - 1
    }

    /// Bytes held by the table's storage.
    public var storageBytes: Int { entries.count * MemoryLayout<Entry>.stride }

    /// Records `key` with `contentHash` if it is new; otherwise says whether the earlier copy had the same content.
    public mutating func insert(_ key: EventKey, contentHash: UInt64) -> DedupeVerdict {
        if (count + 1) * 4 > entries.count * 3 { grow() }
        let low = Self.storedLow(key)
        var slot = Int(truncatingIfNeeded: key.high) & mask
        while true {
            let entry = entries[slot]
            if entry.low == 0 {
                entries[slot] = Entry(high: key.high, low: low, content: contentHash)
                count += 1
                return .new
            }
            if entry.high == key.high && entry.low == low {
                return entry.content == contentHash ? .duplicate : .conflict
            }
            slot = (slot + 1) & mask
        }
    }

    /// Whether `key` has been recorded.
    public func contains(_ key: EventKey) -> Bool {
        let low = Self.storedLow(key)
        var slot = Int(truncatingIfNeeded: key.high) & mask
        while true {
            let entry = entries[slot]
            if entry.low == 0 { return false }
            if entry.high == key.high && entry.low == low { return true }
            slot = (slot + 1) & mask
        }
    }

    /// The key's low part as stored: 0 marks an empty slot, so a 0 set after `EventKey.init` is stored as 1, the
    /// same mapping the initializer applies.
    @inline(__always)
    static func storedLow(_ key: EventKey) -> UInt64 { key.low == 0 ? 1 : key.low }

    mutating func grow() {
        let old = entries
        entries = Array(repeating: Entry(high: 0, low: 0, content: 0), count: old.count * 2)
        mask = entries.count - 1
        for entry in old where entry.low != 0 {
            var slot = Int(truncatingIfNeeded: entry.high) & mask
            while entries[slot].low != 0 { slot = (slot + 1) & mask }
            entries[slot] = entry
        }
    }
}
