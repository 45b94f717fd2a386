/// Which part of an archive to read. Empty sets mean "all".
public struct ArchiveSelection: Sendable, Hashable {
    /// Account folders to read (member accounts for organization trails); empty = all.
    public var accounts: Set<String>
    /// Region folders to read; empty = all.
    public var regions: Set<String>
    /// Delivery dates to read (inclusive); nil = all. Callers widen an event-time range by a margin first.
    public var deliveryDates: ClosedRange<CivilDate>?
    /// Event folders to read; digests are never in this set.
    public var eventFolders: Set<TrailFolder>

    /// Creates a selection.
    public init(
        accounts: Set<String> = [], regions: Set<String> = [], deliveryDates: ClosedRange<CivilDate>? = nil,
        eventFolders: Set<TrailFolder> = [.cloudTrail, .insight, .networkActivity]
    ) {
        self.accounts = accounts
        self.regions = regions
        self.deliveryDates = deliveryDates
        self.eventFolders = eventFolders
    }
}

extension ArchiveSelection {
    /// The delivery dates to read for events from `first` through `last` (either end open): from the day before
    /// `first` (a conservative margin) through `marginDays` days after `last` (CloudTrail delivers files minutes
    /// to hours after their events, so late events sit in later folders). The one widening rule shared by every
    /// command, the digest check and jobs; nil when both ends are open.
    public static func deliveryDates(
        forEventsFrom first: CivilDate?, through last: CivilDate?, marginDays: Int
    ) -> ClosedRange<CivilDate>? {
        guard first != nil || last != nil else { return nil }
        let low = first.map { $0.adding(days: -1) } ?? CivilDate(daysSinceEpoch: CivilDate.daysFromCivil(year: 1, month: 1, day: 1))
        let high = last.map { $0.adding(days: marginDays) }
            ?? CivilDate(daysSinceEpoch: CivilDate.daysFromCivil(year: 9999, month: 12, day: 31))
        return low <= high ? low...high : low...low
    }
}

/// What a walk of the archive found.
public struct DiscoveryResult: Sendable {
    /// Event log files in the selection, sorted by `relativePath` (byte order), so every run sees the same order.
    public var eventFiles: [TrailFile]
    /// Digest files in the selection, sorted by `relativePath`. Never read as events.
    public var digestFiles: [TrailFile]
    /// Files seen but not readable as events (non-trail files, empty files, bad names), sorted by path.
    /// Files outside the selection (other accounts, regions, dates) are not listed.
    public var skipped: [SkippedFile]
    /// Directories inside the selection that could not be listed (permissions, I/O errors), with the reason:
    /// their files were never seen, so a run over this listing is incomplete.
    public var unlisted: [SkippedFile] = []

    /// Creates a value.
    public init(
        eventFiles: [TrailFile], digestFiles: [TrailFile], skipped: [SkippedFile], unlisted: [SkippedFile] = []
    ) {
        self.eventFiles = eventFiles
        self.digestFiles = digestFiles
        self.skipped = skipped
        self.unlisted = unlisted
    }
}

/// A failure that stops discovery as a whole (the root is missing or unreadable).
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    /// The path concerned.
    public var path: String
    /// What went wrong.
    public var message: String

    /// Creates a value.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Walks a local copy of a CloudTrail bucket and classifies every file by its key.
public struct ArchiveDiscovery: Sendable {
    /// The archive root (a bucket copy, or any folder above `AWSLogs/`).
    public var root: String
    /// What to read.
    public var selection: ArchiveSelection

    /// Creates a walker.
    public init(root: String, selection: ArchiveSelection = ArchiveSelection()) {
        self.root = root
        self.selection = selection
    }

    /// Walks the tree, pruning folders outside the selection, and returns what it found.
    ///
    /// Throws only when the root is missing, not a directory or unreadable; any problem below it (an unreadable
    /// folder, a file that vanished, a broken symbolic link) is listed in `skipped`. Symbolic links to directories
    /// are not followed (listed as skipped); a symbolic link to a regular file counts as that file. Pruning uses
    /// the first `AWSLogs/` under which a folder fits the layout, so a second `AWSLogs/` nested inside a pruned
    /// account, region or date folder is not seen.
    public func discover() throws(ArchiveError) -> DiscoveryResult {
        guard !root.isEmpty else { throw ArchiveError(path: root, message: "empty archive root path") }
        var walker = ArchiveWalker(root: root, selection: selection)
        try walker.run()
        return DiscoveryResult(
            eventFiles: walker.eventFiles, digestFiles: walker.digestFiles, skipped: walker.skipped,
            unlisted: walker.unlisted)
    }

    /// What a relative path means in CloudTrail's layout.
    public enum PathKind: Sendable, Hashable {
        /// A file under `AWSLogs/…/<folder>/<region>/YYYY/MM/DD/`; `size` and `absolutePath` are left 0 / "".
        case trailFile(TrailFile)
        /// Not a trail file, with the reason.
        case notTrail(reason: String)
    }

    /// Classifies one `/`-separated path relative to the archive root (pure: no file-system access).
    public static func classify(relativePath: String) -> PathKind {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return ArchiveLayout.classifyFile(components, relativePath: relativePath)
    }
}
