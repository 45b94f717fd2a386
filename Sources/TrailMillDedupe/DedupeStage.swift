/// The sinks of a run, as a set of bit positions (sink `i` is bit `i`; at most ``DedupeTable/maxSinks``).
public struct SinkSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    /// Creates a set from its bits.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The set holding sink `index` only.
    @inlinable
    public init(sink index: Int) { rawValue = 1 << UInt8(index) }

    /// Sinks `0..<count`.
    @inlinable
    public static func first(_ count: Int) -> SinkSet {
        SinkSet(rawValue: count >= 8 ? 0xFF : UInt8((1 << count) - 1))
    }

    /// Whether sink `index` is in the set.
    @inlinable
    public func contains(sink index: Int) -> Bool { rawValue & (1 << UInt8(index)) != 0 }

    /// The sink indices in the set, ascending.
    public var indices: [Int] { (0..<8).filter { contains(sink: $0) } }
}

/// One record as the dedupe stage sees it.
public struct DedupeRecord: Sendable, Hashable {
    /// Dedupe key; nil when the record has no GUID eventID (never merged: every sink takes it).
    public var key: EventKey?
    /// Hash of the record's compact JSON text (tells a duplicate from a conflicting copy).
    public var contentHash: UInt64

    /// Creates a record.
    @inlinable
    public init(key: EventKey?, contentHash: UInt64) {
        self.key = key
        self.contentHash = contentHash
    }
}

/// The ordered dedupe stage of a run with several sinks: decides, file by file in path order, which records each
/// sink takes, and learns when a sink commits or drops the files holding them.
///
/// A sink takes the first copy of an event that it does not hold yet. Taking a copy *claims* the key for that sink
/// until the sink either *commits* the file (the key is then held for good, and later copies are duplicates for
/// that sink) or *releases* it (the file was rejected or not delivered: the claim is undone, so a later copy in
/// another file is taken instead). Keys delivered by earlier runs are *seeded* as committed. A copy whose content
/// differs from the first copy taken is a conflict for every sink: the first copy wins.
///
/// A value type with no IO: the engine drives it, and its tests drive it directly.
public struct DedupeStage: Sendable {
    var table: DedupeTable

    /// Creates a stage sized for about `expectedKeys` distinct events.
    public init(expectedKeys: Int) {
        table = DedupeTable(expected: expectedKeys)
    }

    /// Distinct keys held.
    public var keyCount: Int { table.count }
    /// Bytes held by the key table.
    public var storageBytes: Int { table.storageBytes }

    /// What ``claim(_:for:)`` decided for one file.
    public struct Claim: Sendable {
        /// Per record, the sinks that take it.
        public var takenBy: [SinkSet]
        /// Per record, the table slot of its key (-1 without a key), valid while `generation` is current.
        var slots: [Int32]
        var generation: Int
        /// Per sink index: copies dropped because that sink holds (or has claimed) the event already.
        public var duplicates: [Int]
        /// Copies dropped for every sink because their content differs from the first copy taken.
        public var conflicts = 0
        /// Record numbers of the conflicting copies (for logging).
        public var conflictingRecords: [Int] = []

        /// Records taken by sink `index`.
        public func count(for index: Int) -> Int { takenBy.reduce(0) { $0 + ($1.contains(sink: index) ? 1 : 0) } }
    }

    /// Marks `key` as held by `sink` before the run starts (delivered by an earlier run).
    public mutating func seedDelivered(_ key: EventKey, sink: Int) {
        let slot = table.slot(for: key)
        table.entries[slot].word |= 1 << (DedupeTable.Word.committedShift + UInt64(sink))
    }

    /// Decides which of `sinks` take each record of one file, claiming every key a sink takes.
    public mutating func claim(_ records: [DedupeRecord], for sinks: SinkSet) -> Claim {
        var claim = Claim(
            takenBy: [SinkSet](repeating: sinks, count: records.count),
            slots: [Int32](repeating: -1, count: records.count), generation: table.generation,
            duplicates: [Int](repeating: 0, count: DedupeTable.maxSinks))
        let wanted = UInt64(sinks.rawValue)
        for (index, record) in records.enumerated() {
            guard let key = record.key else { continue }
            let slot = table.slot(for: key)
            if table.generation != claim.generation {
                // The table grew: earlier slots of this file moved. Re-find them.
                claim.generation = table.generation
                for earlier in 0..<index {
                    if let key = records[earlier].key { claim.slots[earlier] = Int32(table.find(key) ?? -1) }
                }
            }
            claim.slots[index] = Int32(slot)
            var word = table.entries[slot].word
            let content = DedupeTable.Word.content(record.contentHash)
            if word & DedupeTable.Word.contentKnown != 0 && word >> DedupeTable.Word.contentShift != content {
                claim.takenBy[index] = []
                claim.conflicts += 1
                if claim.conflictingRecords.count < 20 { claim.conflictingRecords.append(index) }
                continue
            }
            let held = ((word >> DedupeTable.Word.committedShift) | (word >> DedupeTable.Word.claimedShift)) & 0xFF
            let taken = wanted & ~held
            let dropped = wanted & held
            if dropped != 0 {
                for sink in 0..<DedupeTable.maxSinks where dropped & (1 << UInt64(sink)) != 0 {
                    claim.duplicates[sink] += 1
                }
            }
            claim.takenBy[index] = SinkSet(rawValue: UInt8(taken))
            if taken != 0 {
                word |= taken << DedupeTable.Word.claimedShift
                if word & DedupeTable.Word.contentKnown == 0 {
                    word |= DedupeTable.Word.contentKnown | (content << DedupeTable.Word.contentShift)
                }
                table.entries[slot].word = word
            }
        }
        return claim
    }

    /// `sink` committed the file `claim` was made for: the keys it took are held for good.
    public mutating func commit(_ claim: Claim, records: [DedupeRecord], sink: Int) {
        update(claim, records: records, sink: sink) { word, bit in
            (word & ~(bit << DedupeTable.Word.claimedShift)) | (bit << DedupeTable.Word.committedShift)
        }
    }

    /// `sink` did not commit the file `claim` was made for: its claims are undone, so a later copy of each event is
    /// taken instead. A key nobody holds any more forgets its content, so that copy is not a conflict.
    public mutating func release(_ claim: Claim, records: [DedupeRecord], sink: Int) {
        update(claim, records: records, sink: sink) { word, bit in
            var word = word & ~(bit << DedupeTable.Word.claimedShift)
            if word & DedupeTable.Word.bitsMask == 0 { word = 0 }
            return word
        }
    }

    private mutating func update(
        _ claim: Claim, records: [DedupeRecord], sink: Int, _ change: (UInt64, UInt64) -> UInt64
    ) {
        let bit: UInt64 = 1 << UInt64(sink)
        let fresh = claim.generation == table.generation
        for index in records.indices where claim.takenBy[index].contains(sink: sink) {
            guard let key = records[index].key else { continue }
            let slot = fresh ? Int(claim.slots[index]) : (table.find(key) ?? -1)
            guard slot >= 0 else { continue }
            table.entries[slot].word = change(table.entries[slot].word, bit)
        }
    }
}
