import Foundation
import Testing
import TrailMillArchive
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres
import TrailMillTestSupport

/// Retention: daily partitions created on demand, and `prune` dropping only whole partitions past the window.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct PruneTests {
    static func iso(_ day: Int, hour: String = "10") -> String { "\(CivilDate(daysSinceEpoch: day))T\(hour):00:00Z" }

    @Test func pruneDropsOnlyPartitionsOlderThanTheWindow() throws {
        let today = CivilDateToday.days
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        // Events 200, 120, 91, 89 and 1 days old, plus one from 1999 (no partition: the default partition).
        let ages = [200, 120, 91, 89, 1]
        var records = ages.map { ArchiveBuilder.record(time: Self.iso(today - $0)) }
        records.append(ArchiveBuilder.record(time: "1999-06-01T00:00:00Z"))
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)), records: records)
        let schema = try TestSchema()
        let summary = try schema.load(archive.root.path)
        #expect(summary.events.written == 6 && summary.database?.partitionsCreated == 5)
        #expect(try schema.count("events_default") == 1)

        let store = EventStore(connection: schema.connection, schema: schema.name)
        let preview = try store.prune(keepDays: 90, today: today, dryRun: true)
        #expect(preview.droppedPartitions.count == 3 && preview.defaultRowsDeleted == 1)
        #expect(try schema.count() == 6)

        let result = try store.prune(keepDays: 90, today: today)
        #expect(result.droppedPartitions == [200, 120, 91].map { EventStore.partitionName(day: today - $0) })
        #expect(result.defaultRowsDeleted == 1)
        #expect(try schema.count() == 2)
        #expect(try store.partitionDays() == Set([today - 89, today - 1]))
        // Pruned files stay recorded: the next load does not bring the old events back.
        #expect(try schema.load(archive.root.path).events.written == 0)
        #expect(try schema.count() == 2)
    }

    @Test func eventsFarInTheFutureGoToTheDefaultPartition() throws {
        let today = CivilDateToday.days
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record(time: Self.iso(today + 30)), ArchiveBuilder.record(time: Self.iso(today))])
        let schema = try TestSchema()
        #expect(try schema.load(archive.root.path).database?.partitionsCreated == 1)
        #expect(try schema.count("events_default") == 1)
        #expect(try schema.count() == 2)
    }
}
