public import TrailMillArchive
public import TrailMillIntegrity
import TrailMillNormalize

/// What a run reads and which events it keeps: the same for every command, job and sink.
public struct InputSelection: Sendable {
    /// Where the files come from.
    public var source: any ArchiveSource
    /// Account folders to read; empty = all.
    public var accounts: Set<String> = []
    /// Region folders to read; empty = all.
    public var regions: Set<String> = []
    /// Event folders to read.
    public var eventFolders: Set<TrailFolder> = [.cloudTrail, .insight, .networkActivity]
    /// Which events to keep.
    public var filter = EventFilter()
    /// Extra delivery days read after `until` (events can be delivered late). The day before `since` is read too.
    public var deliveryMarginDays = 1
    /// Check files against CloudTrail's digest chains first (`--verify-digests`); nil = no check.
    public var digestVerification: DigestVerification?
    /// Delivery dates to read instead of those derived from `filter`'s time range (a job's dates).
    public var deliveryDates: ClosedRange<CivilDate>?
    /// Read exactly these files, in this order, instead of discovering the archive (the digest gate still
    /// applies). Discovery's non-event files are then not listed: the caller listed the archive.
    public var files: [TrailFile]?

    /// Creates a selection of everything in `source`.
    public init(source: any ArchiveSource) {
        self.source = source
    }

    /// A selection of everything in the local archive at `root`.
    public init(root: String) {
        self.init(source: LocalArchive(root: root))
    }

    /// What to list: `deliveryDates` when set, else the delivery dates that can hold events of `filter`'s time
    /// range (see ``ArchiveSelection/deliveryDates(forEventsFrom:through:marginDays:)``).
    public var archiveSelection: ArchiveSelection {
        ArchiveSelection(
            accounts: accounts, regions: regions,
            deliveryDates: deliveryDates
                ?? ArchiveSelection.deliveryDates(
                    forEventsFrom: filter.sinceMillis.map(CivilDate.containing(millis:)),
                    through: filter.untilMillis.map(CivilDate.containing(millis:)), marginDays: deliveryMarginDays),
            eventFolders: eventFolders)
    }
}
