public import TrailMillArchive
import Dispatch
import Foundation
import Synchronization
import TrailMillCompression

/// Settings for a synthetic CloudTrail archive.
public struct SyntheticArchiveOptions: Sendable, Hashable {
    /// Number of member accounts (12-digit IDs derived from the seed).
    public var accounts: Int = 2
    /// Number of regions, taken in order from a fixed list of real region names starting with us-east-1.
    public var regions: Int = 3
    /// Number of consecutive delivery days.
    public var days: Int = 2
    /// First delivery day.
    public var startDate: CivilDate = CivilDate(year: 2026, month: 1, day: 15)!
    /// Log files per account, region and day.
    public var filesPerDay: Int = 4
    /// Records per log file (before cross-region copies of global events are added).
    public var eventsPerFile: Int = 50
    /// Share of events that are global-service events (IAM, STS, sign-in) which every region's trail also delivers,
    /// producing cross-region duplicates with the same eventID and identical content.
    public var globalEventShare: Double = 0.1
    /// When set, the first account's files are also written under an organization trail
    /// (`AWSLogs/<org>/<account>/…`), duplicating every one of its events.
    public var organizationID: String? = nil
    /// Optional bucket prefix before `AWSLogs/` (may contain `/`).
    public var prefix: String = ""
    /// gzip level for the files.
    public var compressionLevel: Int32 = 6
    /// Seed: the same options and seed give byte-identical archives.
    public var seed: UInt64 = 1
    /// Insights per account, region and day. Each insight is a Start and an End event, delivered in two
    /// one-record files under `CloudTrail-Insight/` (account trail only, not the organization copy); both count
    /// in the manifest. 0 (the default) writes no Insights files; at most 100.
    public var insightsPerDay: Int = 0

    /// Creates options with the defaults above.
    public init() {}
}

/// What a synthetic archive holds, so tests can assert exact counts.
public struct SyntheticArchiveManifest: Sendable, Hashable, Codable {
    /// Event log files written.
    public var files: Int
    /// Records written across all files, copies included.
    public var records: Int
    /// Distinct (eventID, recipientAccountId) keys.
    public var distinctEvents: Int
    /// Uncompressed JSON bytes written.
    public var uncompressedBytes: Int
    /// Compressed bytes written.
    public var compressedBytes: Int

    /// Creates a value.
    public init(files: Int, records: Int, distinctEvents: Int, uncompressedBytes: Int, compressedBytes: Int) {
        self.files = files
        self.records = records
        self.distinctEvents = distinctEvents
        self.uncompressedBytes = uncompressedBytes
        self.compressedBytes = compressedBytes
    }
}

/// Options that cannot produce an archive, or a failure while writing one.
public struct SyntheticArchiveError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// Creates a value.
    public init(message: String) { self.message = message }

    public var description: String { message }
}

/// Writes realistic synthetic CloudTrail archives in the real S3 key layout.
///
/// Layout: `[prefix/]AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`.
/// File `f` of a day is delivered in slot `f` of `filesPerDay` equal slots; its events happen in the minutes before
/// its delivery time, so the first file of each day holds events from the previous day. Each file holds exactly
/// `eventsPerFile` records: `round(eventsPerFile × globalEventShare)` global-service events that are byte-identical in
/// every region's file `f` for the same account and day, and regional events unique to the file.
public enum SyntheticArchive {
    /// The region names used, in order (`options.regions` takes a prefix of this list).
    public static var regionNames: [String] { Layout.regionNames }

    /// The account IDs an archive with `options` uses, in account order (derived from `options.seed`).
    public static func accountIDs(for options: SyntheticArchiveOptions) -> [String] {
        var used = Set<String>()
        return (0..<max(0, options.accounts)).map { AccountProfile.make(index: $0, seed: options.seed, usedIDs: &used).id }
    }

    /// Writes an archive under `directory` (created if needed) and returns its manifest.
    /// Also writes `synth-manifest.json` at the root (outside `AWSLogs/`).
    public static func write(to directory: String, options: SyntheticArchiveOptions) throws -> SyntheticArchiveManifest {
        let plan = try ArchivePlan(options: options)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let totals = Mutex(UnitTotals())
        let failures = Mutex([(Int, String)]())
        DispatchQueue.concurrentPerform(iterations: plan.unitCount) { unit in
            do {
                let result = try plan.writeUnit(unit, root: directory)
                totals.withLock { $0.merge(result) }
            } catch {
                failures.withLock { $0.append((unit, String(describing: error))) }
            }
        }
        if let failure = failures.withLock({ $0.min { $0.0 < $1.0 } }) {
            throw SyntheticArchiveError(message: "writing the archive failed: \(failure.1)")
        }

        let manifest = totals.withLock { totals in
            SyntheticArchiveManifest(
                files: totals.files, records: totals.records, distinctEvents: EventKey.countDistinct(&totals.keys),
                uncompressedBytes: totals.uncompressedBytes, compressedBytes: totals.compressedBytes)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let manifestURL = URL(fileURLWithPath: directory).appendingPathComponent("synth-manifest.json")
        try encoder.encode(manifest).write(to: manifestURL, options: .atomic)
        return manifest
    }
}

// MARK: - Planning and writing

/// A distinct-event key: eventID bits and the recipient account.
struct EventKey: Sendable {
    var high: UInt64
    var low: UInt64
    var account: Int

    static func countDistinct(_ keys: inout [EventKey]) -> Int {
        keys.sort { ($0.high, $0.low, $0.account) < ($1.high, $1.low, $1.account) }
        var count = 0
        var previous: EventKey?
        for key in keys {
            if let p = previous, p.high == key.high, p.low == key.low, p.account == key.account { continue }
            count += 1
            previous = key
        }
        return count
    }
}

/// Counts from one unit of work, merged under a lock.
struct UnitTotals: Sendable {
    var files = 0
    var records = 0
    var uncompressedBytes = 0
    var compressedBytes = 0
    var keys: [EventKey] = []

    mutating func merge(_ other: UnitTotals) {
        files += other.files
        records += other.records
        uncompressedBytes += other.uncompressedBytes
        compressedBytes += other.compressedBytes
        keys.append(contentsOf: other.keys)
    }
}

/// Validated options and everything derived from them; `writeUnit` writes one (account, region, day).
struct ArchivePlan: Sendable {
    let options: SyntheticArchiveOptions
    let accounts: [AccountProfile]
    let regions: [String]
    let prefix: String
    let globalCount: Int
    let slotSeconds: Int
    let windowSeconds: Int
    let startDay: Int

    init(options: SyntheticArchiveOptions) throws(SyntheticArchiveError) {
        func fail(_ message: String) -> SyntheticArchiveError { SyntheticArchiveError(message: message) }
        guard options.accounts >= 1 else { throw fail("accounts must be at least 1") }
        guard (1...Layout.regionNames.count).contains(options.regions) else {
            throw fail("regions must be in 1...\(Layout.regionNames.count)")
        }
        guard options.days >= 1 else { throw fail("days must be at least 1") }
        guard (1...720).contains(options.filesPerDay) else { throw fail("filesPerDay must be in 1...720") }
        guard options.eventsPerFile >= 1 else { throw fail("eventsPerFile must be at least 1") }
        guard (0...1).contains(options.globalEventShare) else { throw fail("globalEventShare must be in 0...1") }
        guard (0...9).contains(options.compressionLevel) else { throw fail("compressionLevel must be in 0...9") }
        guard options.insightsPerDay >= 0 && options.insightsPerDay <= 100 else {
            throw fail("insightsPerDay must be in 0...100")
        }
        if let org = options.organizationID {
            let body = org.dropFirst(2)
            guard org.hasPrefix("o-"), !body.isEmpty,
                body.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { throw fail("organizationID must look like o-abc123def4 (lowercase letters and digits)") }
        }
        var prefix = Substring(options.prefix)
        while prefix.hasPrefix("/") { prefix = prefix.dropFirst() }
        while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        if !prefix.isEmpty {
            for component in prefix.split(separator: "/", omittingEmptySubsequences: false) {
                guard !component.isEmpty, component != ".", component != "..", component != "AWSLogs" else {
                    throw fail("prefix has an empty, '.', '..' or 'AWSLogs' component: \(options.prefix)")
                }
            }
        }

        self.options = options
        var used = Set<String>()
        self.accounts = (0..<options.accounts).map { AccountProfile.make(index: $0, seed: options.seed, usedIDs: &used) }
        self.regions = Array(Layout.regionNames.prefix(options.regions))
        self.prefix = String(prefix)
        self.globalCount = Int((Double(options.eventsPerFile) * options.globalEventShare).rounded())
        self.slotSeconds = 86_400 / options.filesPerDay
        self.windowSeconds = min(max(slotSeconds, 300), 3_600)
        self.startDay = options.startDate.daysSinceEpoch
    }

    var unitCount: Int { options.accounts * options.regions * options.days }

    /// Minute of the day at which every region's file `file` is delivered at the earliest.
    func baseMinute(_ file: Int) -> Int { file * slotSeconds / 60 + 1 }

    /// Writes every file of one (account, region, day).
    func writeUnit(_ unit: Int, root: String) throws -> UnitTotals {
        let dayOffset = unit % options.days
        let regionIndex = unit / options.days % options.regions
        let accountIndex = unit / options.days / options.regions
        let account = accounts[accountIndex]
        let region = regions[regionIndex]
        let epochDay = startDay + dayOffset
        let date = CivilDate(daysSinceEpoch: epochDay)
        let dayStart = epochDay * 86_400
        let seed = options.seed
        let eventsPerFile = options.eventsPerFile
        let globalCount = self.globalCount

        var totals = UnitTotals()
        totals.keys.reserveCapacity(options.filesPerDay * eventsPerFile + 2 * options.insightsPerDay)
        var json = JSONBuffer(capacity: eventsPerFile * 1_400 + 64)
        var compressed: [UInt8] = []
        compressed.reserveCapacity(eventsPerFile * 300 + 1_024)

        let base = URL(fileURLWithPath: root)
        let folder = Layout.folderPath(
            prefix: prefix, organizationID: nil, account: account.id, folder: .cloudTrail, region: region, date: date)
        try FileManager.default.createDirectory(
            at: base.appendingPathComponent(folder), withIntermediateDirectories: true)
        var orgFolder: String?
        if accountIndex == 0, let org = options.organizationID {
            let path = Layout.folderPath(
                prefix: prefix, organizationID: org, account: account.id, folder: .cloudTrail, region: region, date: date)
            try FileManager.default.createDirectory(
                at: base.appendingPathComponent(path), withIntermediateDirectories: true)
            orgFolder = path
        }

        let maxJitter = max(0, min(slotSeconds / 60 - 2, 4))
        for file in 0..<options.filesPerDay {
            var delivery = SplitMix64(seed: Seeds.mix(seed, .delivery, accountIndex, regionIndex, epochDay, file))
            let minute = baseMinute(file) + delivery.below(maxJitter + 1)
            let deliveryTime = dayStart + minute * 60
            let globalDeliveryTime = dayStart + baseMinute(file) * 60

            // Global events: seeded without the region, written with us-east-1, identical in every region's file.
            var global = EventStream(
                account: account, region: Layout.globalRegion,
                seed: Seeds.mix(seed, .globalEvents, accountIndex, epochDay, file))
            var regional = EventStream(
                account: account, region: region,
                seed: Seeds.mix(seed, .regionalEvents, accountIndex, regionIndex, epochDay, file))

            json.bytes.removeAll(keepingCapacity: true)
            json.raw("{\"Records\":[")
            var globalWritten = 0
            var regionalWritten = 0
            for index in 0..<eventsPerFile {
                if index > 0 { json.byte(UInt8(ascii: ",")) }
                // Spread the global records evenly through the file (same positions in every region).
                let isGlobal = (index + 1) * globalCount / eventsPerFile > index * globalCount / eventsPerFile
                let id: (UInt64, UInt64)
                if isGlobal {
                    let time = eventTime(&global.rng, delivery: globalDeliveryTime, dayStart: dayStart,
                        previousDay: file == 0 && globalWritten == 0)
                    id = global.global(&json, time: time)
                    globalWritten += 1
                } else {
                    let time = eventTime(&regional.rng, delivery: deliveryTime, dayStart: dayStart,
                        previousDay: file == 0 && regionalWritten == 0)
                    id = regional.regional(&json, time: time)
                    regionalWritten += 1
                }
                totals.keys.append(EventKey(high: id.0, low: id.1, account: accountIndex))
            }
            json.raw("]}")

            try compress(json.bytes, into: &compressed)
            var names = SplitMix64(seed: Seeds.mix(seed, .fileName, accountIndex, regionIndex, epochDay, file))
            let name = Layout.fileName(
                account: account.id, folder: .cloudTrail, region: region, date: date, minuteOfDay: minute,
                unique: Layout.uniqueString(&names))
            try writeFile(compressed, to: base.appendingPathComponent(folder).appendingPathComponent(name))
            totals.add(records: eventsPerFile, uncompressed: json.bytes.count, compressed: compressed.count)

            if let orgFolder {
                let orgName = Layout.fileName(
                    account: account.id, folder: .cloudTrail, region: region, date: date, minuteOfDay: minute,
                    unique: Layout.uniqueString(&names))
                try writeFile(compressed, to: base.appendingPathComponent(orgFolder).appendingPathComponent(orgName))
                totals.add(records: eventsPerFile, uncompressed: json.bytes.count, compressed: compressed.count)
            }
        }

        if options.insightsPerDay > 0 {
            try writeInsights(
                account: account, accountIndex: accountIndex, region: region, regionIndex: regionIndex,
                epochDay: epochDay, base: base, json: &json, compressed: &compressed, totals: &totals)
        }
        return totals
    }

    /// An event time in the window before `delivery`; forced before midnight for the day's first event.
    private func eventTime(_ rng: inout SplitMix64, delivery: Int, dayStart: Int, previousDay: Bool) -> Int {
        if previousDay { return dayStart - 1 - rng.below(min(windowSeconds, 1_800)) }
        return delivery - 1 - rng.below(windowSeconds)
    }

    private func writeInsights(
        account: AccountProfile, accountIndex: Int, region: String, regionIndex: Int, epochDay: Int, base: URL,
        json: inout JSONBuffer, compressed: inout [UInt8], totals: inout UnitTotals
    ) throws {
        let date = CivilDate(daysSinceEpoch: epochDay)
        let dayStart = epochDay * 86_400
        let folder = Layout.folderPath(
            prefix: prefix, organizationID: nil, account: account.id, folder: .insight, region: region, date: date)
        try FileManager.default.createDirectory(
            at: base.appendingPathComponent(folder), withIntermediateDirectories: true)
        for pair in 0..<options.insightsPerDay {
            var stream = EventStream(
                account: account, region: region,
                seed: Seeds.mix(options.seed, .insight, accountIndex, regionIndex, epochDay, pair))
            let plan = stream.planInsight()
            let startMinute = 60 + stream.rng.below(1_440 - 240)
            let duration = 1 + stream.rng.below(60)
            for end in [false, true] {
                let eventMinute = end ? startMinute + duration : startMinute
                let deliveryMinute = eventMinute + 2 + stream.rng.below(5)
                json.bytes.removeAll(keepingCapacity: true)
                json.raw("{\"Records\":[")
                let id = stream.insight(
                    &json, plan: plan, time: dayStart + eventMinute * 60, durationMinutes: end ? duration : nil)
                json.raw("]}")
                totals.keys.append(EventKey(high: id.0, low: id.1, account: accountIndex))
                try compress(json.bytes, into: &compressed)
                let name = Layout.fileName(
                    account: account.id, folder: .insight, region: region, date: date, minuteOfDay: deliveryMinute,
                    unique: Layout.uniqueString(&stream.rng))
                try writeFile(compressed, to: base.appendingPathComponent(folder).appendingPathComponent(name))
                totals.add(records: 1, uncompressed: json.bytes.count, compressed: compressed.count)
            }
        }
    }

    private func compress(_ input: [UInt8], into output: inout [UInt8]) throws {
        output.removeAll(keepingCapacity: true)
        let compressor = try GzipCompressor(level: options.compressionLevel)
        try input.withUnsafeBytes { raw in try compressor.compress(raw, appendingTo: &output) }
        try compressor.finish(appendingTo: &output)
    }

    private func writeFile(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url, options: .atomic)
    }
}

extension UnitTotals {
    mutating func add(records: Int, uncompressed: Int, compressed: Int) {
        files += 1
        self.records += records
        uncompressedBytes += uncompressed
        compressedBytes += compressed
    }
}
