/// What the table says about an event key it is shown.
public enum DedupeVerdict: Sendable, Hashable {
    /// First time this key is seen: deliver the event.
    case new
    /// Seen before with the same content: a duplicate delivery, drop it.
    case duplicate
    /// Seen before with different content: keep the first copy, count and report this one.
    case conflict
}

/// Event keys with, per key, a 47-bit hash of the first kept copy's content and which sinks hold the event.
///
/// Open addressing with linear probing over one flat array of 24-byte entries, kept at most 3/4 full, so each
/// distinct event costs 32–64 bytes (24 / load factor) and no per-key allocation. Written here instead of using
/// `Dictionary` because a dictionary would hash the already-random key again with SipHash on every lookup and
/// keeps keys and values in separate allocations; this keeps one predictable allocation that a run can report.
///
/// Each entry's state word packs, for up to ``maxSinks`` sinks, a *committed* bit (the sink holds the event for
/// good) and a *claimed* bit (a file the sink has not committed yet holds it), plus the content hash. The
/// single-sink `insert` API treats every key as committed by sink 0.
public struct DedupeTable: Sendable {
    /// Sinks one table tracks.
    public static let maxSinks = 8

    struct Entry: Sendable {
        var high: UInt64
        var low: UInt64
        var word: UInt64
    }

    /// Bits of an entry's state word.
    enum Word {
        static let claimedShift: UInt64 = 0
        static let committedShift: UInt64 = 8
        static let contentKnown: UInt64 = 1 << 16
        static let contentShift: UInt64 = 17
        static let bitsMask: UInt64 = 0xFFFF

        /// The part of a 64-bit content hash an entry keeps (its low 47 bits).
        @inline(__always)
        static func content(_ hash: UInt64) -> UInt64 { hash & (UInt64.max >> contentShift) }
    }

    var entries: [Entry]
    var mask: Int
    /// Distinct keys stored.
    public private(set) var count = 0
    /// Bumped whenever entries move (growth), so saved slot numbers can be recognized as stale.
    public private(set) var generation = 0

    /// Creates a table sized for about `expected` keys without growing.
    public init(expected: Int = 1 << 16) {
        var capacity = 1024
        while capacity * 3 / 4 < expected { capacity *= 2 }
        entries = Array(repeating: Entry(high: 0, low: 0, word: 0), count: capacity)
        mask = capacity - 1
    }

    /// Bytes held by the table's storage.
    public var storageBytes: Int { entries.count * MemoryLayout<Entry>.stride }

    /// Records `key` with `contentHash` if it is new; otherwise says whether the earlier copy had the same content.
    public mutating func insert(_ key: EventKey, contentHash: UInt64) -> DedupeVerdict {
        let slot = self.slot(for: key)
        let word = entries[slot].word
        if word & Word.contentKnown == 0 {
            entries[slot].word = Word.contentKnown | (Word.content(contentHash) << Word.contentShift)
                | (1 << Word.committedShift)
            return .new
        }
        return word >> Word.contentShift == Word.content(contentHash) ? .duplicate : .conflict
    }

    /// Whether `key` has been recorded.
    public func contains(_ key: EventKey) -> Bool {
        find(key) != nil
    }

    /// The slot holding `key`, inserting it (with no content and no sink bits) when absent. Slots stay valid until
    /// ``generation`` changes.
    @inline(__always)
    mutating func slot(for key: EventKey) -> Int {
        if (count + 1) * 4 > entries.count * 3 { grow() }
        let low = Self.storedLow(key)
        var slot = Int(truncatingIfNeeded: key.high) & mask
        while true {
            let entry = entries[slot]
            if entry.low == 0 {
                entries[slot] = Entry(high: key.high, low: low, word: 0)
                count += 1
                return slot
            }
            if entry.high == key.high && entry.low == low { return slot }
            slot = (slot + 1) & mask
        }
    }

    /// The slot holding `key`, or nil.
    @inline(__always)
    func find(_ key: EventKey) -> Int? {
        let low = Self.storedLow(key)
        var slot = Int(truncatingIfNeeded: key.high) & mask
        while true {
            let entry = entries[slot]
            if entry.low == 0 { return nil }
            if entry.high == key.high && entry.low == low { return slot }
            slot = (slot + 1) & mask
        }
    }

    /// The key's low part as stored: 0 marks an empty slot, so a 0 set after `EventKey.init` is stored as 1, the
    /// same mapping the initializer applies.
    @inline(__always)
    static func storedLow(_ key: EventKey) -> UInt64 { key.low == 0 ? 1 : key.low }

    mutating func grow() {
        let old = entries
        entries = Array(repeating: Entry(high: 0, low: 0, word: 0), count: old.count * 2)
        mask = entries.count - 1
        generation += 1
        for entry in old where entry.low != 0 {
            var slot = Int(truncatingIfNeeded: entry.high) & mask
            while entries[slot].low != 0 { slot = (slot + 1) & mask }
            entries[slot] = entry
        }
    }
}
