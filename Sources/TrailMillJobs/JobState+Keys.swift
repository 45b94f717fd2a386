import Foundation
import GRDB

extension JobState {
    /// Every key delivered to `sink` (nil = to any sink) whose event time is in `window` (UTC ms), for an
    /// in-memory membership set. Load the run's dedupe window once, then test keys against the set.
    public func deliveredKeys(
        sink: String? = nil, eventTimes window: ClosedRange<Int64>
    ) throws(JobStateError) -> Set<DeliveredKey> {
        try read("load delivered keys") { db in
            var keys = Set<DeliveredKey>()
            let cursor = try Data.fetchCursor(
                db,
                sql: "SELECT key FROM delivered_keys WHERE event_time_ms BETWEEN ? AND ?"
                    + (sink == nil ? "" : " AND sink IN (?, ?)"),
                arguments: StatementArguments(
                    [window.lowerBound, window.upperBound] as [any DatabaseValueConvertible]
                        + (sink.map { [$0, Self.everySink] } ?? [])))
            while let bytes = try cursor.next() {
                if let key = DeliveredKey(bytes: bytes) { keys.insert(key) }
            }
            return keys
        }
    }

    /// Which of `keys` were delivered already to any sink (at any event time), by batched lookups.
    public func delivered(among keys: some Collection<DeliveredKey>) throws(JobStateError) -> Set<DeliveredKey> {
        let all = Array(keys)
        return try read("look up delivered keys") { db in
            var found = Set<DeliveredKey>()
            var start = 0
            while start < all.count {
                let chunk = all[start..<min(start + 500, all.count)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let arguments = StatementArguments(chunk.map { Data($0.bytes) })
                for bytes in try Data.fetchAll(
                    db, sql: "SELECT key FROM delivered_keys WHERE key IN (\(marks))", arguments: arguments)
                {
                    if let key = DeliveredKey(bytes: bytes) { found.insert(key) }
                }
                start = chunk.endIndex
            }
            return found
        }
    }

    /// Deletes delivered keys of events before `millis` (UTC ms); returns how many.
    @discardableResult
    public func pruneDeliveredKeys(eventsBefore millis: Int64) throws(JobStateError) -> Int {
        try write("prune delivered keys") { db in
            try db.execute(sql: "DELETE FROM delivered_keys WHERE event_time_ms < ?", arguments: [millis])
            return db.changesCount
        }
    }
}
