import Testing
import TrailMillDedupe

/// The ordered dedupe stage as a value: claims, commits and releases per sink, driven without any IO.
@Suite("DedupeStage")
struct DedupeStageTests {
    static func key(_ n: UInt64) -> EventKey { EventKey(high: n &* 0x9E37_79B9_7F4A_7C15, low: n + 1) }
    static func record(_ n: UInt64, content: UInt64 = 7) -> DedupeRecord { DedupeRecord(key: key(n), contentHash: content) }

    let both = SinkSet.first(2)

    @Test func theFirstCopyIsTakenByEverySinkAndLaterCopiesAreDuplicates() {
        var stage = DedupeStage(expectedKeys: 16)
        let first = [Self.record(1), Self.record(2)]
        let claim = stage.claim(first, for: both)
        #expect(claim.takenBy == [both, both])
        stage.commit(claim, records: first, sink: 0)
        stage.commit(claim, records: first, sink: 1)
        let second = [Self.record(2), Self.record(3)]
        let again = stage.claim(second, for: both)
        #expect(again.takenBy == [[], both])
        #expect(again.duplicates[0] == 1 && again.duplicates[1] == 1)
        #expect(stage.keyCount == 3)
    }

    @Test func aCopyInTheSameFileIsADuplicate() {
        var stage = DedupeStage(expectedKeys: 16)
        let records = [Self.record(1), Self.record(1)]
        let claim = stage.claim(records, for: both)
        #expect(claim.takenBy == [both, []])
        #expect(claim.duplicates[0] == 1 && claim.duplicates[1] == 1)
    }

    /// A file one sink committed and the other did not: the other takes the next copy, the first does not.
    @Test func sinksKeepTheirOwnVerdicts() {
        var stage = DedupeStage(expectedKeys: 16)
        let a = [Self.record(1)]
        let claim = stage.claim(a, for: both)
        stage.commit(claim, records: a, sink: 0)
        stage.release(claim, records: a, sink: 1)
        let b = [Self.record(1)]
        let next = stage.claim(b, for: both)
        #expect(next.takenBy == [SinkSet(sink: 1)])
        #expect(next.duplicates[0] == 1 && next.duplicates[1] == 0)
    }

    /// A pending (claimed, not committed) copy holds the key: a later copy is dropped until the claim is released.
    @Test func aClaimHoldsTheKeyUntilReleased() {
        var stage = DedupeStage(expectedKeys: 16)
        let sink = SinkSet(sink: 0)
        let a = [Self.record(1)]
        let pending = stage.claim(a, for: sink)
        let b = [Self.record(1)]
        #expect(stage.claim(b, for: sink).takenBy == [[]])
        stage.release(pending, records: a, sink: 0)
        let retried = stage.claim(b, for: sink)
        #expect(retried.takenBy == [sink])
        stage.commit(retried, records: b, sink: 0)
        #expect(stage.claim(a, for: sink).takenBy == [[]])
    }

    /// Released by everyone, a key forgets its content: a later copy with other content is taken, not a conflict.
    @Test func aReleasedKeyForgetsItsContent() {
        var stage = DedupeStage(expectedKeys: 16)
        let sink = SinkSet(sink: 0)
        let a = [Self.record(1, content: 1)]
        stage.release(stage.claim(a, for: sink), records: a, sink: 0)
        let b = [Self.record(1, content: 2)]
        let claim = stage.claim(b, for: sink)
        #expect(claim.takenBy == [sink] && claim.conflicts == 0)
    }

    @Test func aCopyWithOtherContentIsAConflictForEverySink() {
        var stage = DedupeStage(expectedKeys: 16)
        let a = [Self.record(1, content: 1)]
        let claim = stage.claim(a, for: both)
        stage.commit(claim, records: a, sink: 0)
        let b = [Self.record(1, content: 2), Self.record(2)]
        let next = stage.claim(b, for: both)
        #expect(next.takenBy == [[], both])
        #expect(next.conflicts == 1 && next.conflictingRecords == [0])
    }

    @Test func seededKeysAreDuplicatesForTheirSinkOnly() {
        var stage = DedupeStage(expectedKeys: 16)
        stage.seedDelivered(Self.key(1), sink: 1)
        let claim = stage.claim([Self.record(1)], for: both)
        #expect(claim.takenBy == [SinkSet(sink: 0)])
        #expect(claim.duplicates[1] == 1)
    }

    @Test func recordsWithoutAKeyAreAlwaysTaken() {
        var stage = DedupeStage(expectedKeys: 16)
        let records = [DedupeRecord(key: nil, contentHash: 1), DedupeRecord(key: nil, contentHash: 1)]
        #expect(stage.claim(records, for: both).takenBy == [both, both])
        #expect(stage.keyCount == 0)
    }

    /// Claims made before the table grows are still committed to the right keys.
    @Test func commitsFindTheirKeysAfterTheTableGrows() {
        var stage = DedupeStage(expectedKeys: 8)
        let sink = SinkSet(sink: 0)
        let first = (0..<500).map { Self.record($0) }
        let pending = stage.claim(first, for: sink)
        let second = (500..<5000).map { Self.record($0) }
        let other = stage.claim(second, for: sink)
        stage.commit(pending, records: first, sink: 0)
        stage.release(other, records: second, sink: 0)
        #expect(stage.claim(first, for: sink).takenBy.allSatisfy { $0.isEmpty })
        #expect(stage.claim(second, for: sink).takenBy.allSatisfy { $0 == sink })
    }
}
