// trailmill-bench: throughput and memory figures for TrailMill, printed (never a test).
//
//   swift run -c release trailmill-bench [--events N] [--work DIR] [--keep]
//
// All work lives in functions of `Bench` (top-level code would make every variable a slow global); this file's only
// top-level statement is the call at the bottom.

import Dispatch
import Foundation
import Logging
import Synchronization
import TrailMillArchive
import TrailMillCompression
import TrailMillPipeline
import TrailMillSynth

#if canImport(Glibc)
import Glibc
#endif

/// Command-line settings, parsed by hand.
struct BenchArguments {
    var events = 1_000_000
    var work = "/tmp/trailmill-bench"
    var keep = false
    /// Where phase G loads (a libpq conninfo); nil = libpq's environment when PGHOST is set, else no phase G.
    var database: String?
    var postgresOnly = false
    var ocsfOnly = false
    var sinksOnly = false
    /// Phase J only: `trailmill history` latency over this already loaded schema.
    var historySchema: String?
    var historyRuns = 21

    static let usage = """
        usage: trailmill-bench [--events N] [--work DIR] [--keep]
          --events N   records in the synthetic archive (default 1_000_000; 4 accounts × 4 regions × 7 days × 36 files)
          --work DIR   work directory holding the archive (default /tmp/trailmill-bench); reused when it matches
          --keep       keep the export outputs
          --database C phase G (PostgreSQL load vs plain COPY) against this libpq conninfo; default: run it when
                       PGHOST is set (eval "$(bash .ci/postgres env)"), against libpq's environment
          --postgres-only   skip phases B–F and H
          --ocsf-only  run only phase H (OCSF vs flat NDJSON encoders)
          --sinks-only run only phase I (one pass with three sinks vs three single-sink passes)
          --history SCHEMA  run only phase J: history query latency over SCHEMA, already loaded
                       (Benchmarks/history-bench.sh loads 10 M events); --runs N per query (default 21)
        """

    static func parse(_ arguments: [String]) -> BenchArguments {
        var result = BenchArguments()
        var index = 0
        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("trailmill-bench: \(message)\n\(usage)\n".utf8))
            exit(2)
        }
        func value(_ name: String, inline: String?) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count else { fail("\(name) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            let inline = parts.count == 2 ? parts[1] : nil
            switch name {
            case "--events":
                let text = value(name, inline: inline).replacingOccurrences(of: "_", with: "")
                guard let events = Int(text), events >= Bench.filesInArchive else {
                    fail("--events must be an integer >= \(Bench.filesInArchive)")
                }
                result.events = events
            case "--work":
                let path = value(name, inline: inline)
                guard !path.isEmpty else { fail("--work needs a non-empty path") }
                result.work = URL(fileURLWithPath: path).standardizedFileURL.path
            case "--keep":
                guard inline == nil else { fail("--keep takes no value") }
                result.keep = true
            case "--database":
                result.database = value(name, inline: inline)
            case "--postgres-only":
                result.postgresOnly = true
            case "--ocsf-only":
                result.ocsfOnly = true
            case "--sinks-only":
                result.sinksOnly = true
            case "--history":
                result.historySchema = value(name, inline: inline)
            case "--runs":
                guard let runs = Int(value(name, inline: inline)), runs >= 1 else { fail("--runs must be positive") }
                result.historyRuns = runs
            case "--help", "-h":
                print(usage)
                exit(0)
            default:
                fail("unknown argument \(argument)")
            }
            index += 1
        }
        return result
    }
}

/// One row of the results table.
struct PhaseResult {
    var label: String
    var seconds: Double
    var eventsRead: Int
    var eventsWritten: Int?
    var decompressedBytes: Int
    var peakRSSBytes: Int?
}

/// Peak resident set size from /proc (Linux).
enum PeakMemory {
    /// Resets VmHWM to the current RSS by writing "5" to /proc/self/clear_refs; false if that is not possible.
    @discardableResult
    static func reset() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// VmHWM in bytes.
    static func peakBytes() -> Int? { statusField("VmHWM") }

    /// VmRSS in bytes.
    static func currentBytes() -> Int? { statusField("VmRSS") }

    private static func statusField(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                .flatMap { Int($0) }
            return number.map { $0 * 1024 }  // reported in kB (KiB)
        }
        return nil
    }
}

enum Bench {
    static let accounts = 4
    static let regions = 4
    static let days = 7
    static let filesPerDay = 36
    static let filesInArchive = accounts * regions * days * filesPerDay  // 4032
    static let jobs = 2
    static let readBufferBytes = 256 * 1024

    static func main() {
        let arguments = BenchArguments.parse(Array(CommandLine.arguments.dropFirst()))
        var logger = Logger(label: "bench")
        logger.logLevel = .warning  // the run's own info lines would interleave with the figures

        printMachine()
        if let schema = arguments.historySchema {
            HistoryPhase.run(schema: schema, conninfo: arguments.database, runs: arguments.historyRuns)
            return
        }
        #if DEBUG
        print("WARNING: debug build; run with `swift run -c release trailmill-bench` for meaningful figures")
        #endif

        let archive = arguments.work + "/archive"
        let manifest: SyntheticArchiveManifest
        do {
            manifest = try prepareArchive(at: archive, events: arguments.events, work: arguments.work)
        } catch {
            print("cannot prepare the archive: \(error)")
            exit(1)
        }
        let eventFiles: [TrailFile]
        do {
            eventFiles = try ArchiveDiscovery(root: archive).discover().eventFiles
        } catch {
            print("cannot list the archive: \(error)")
            exit(1)
        }
        let files = eventFiles.map(\.absolutePath)
        print(
            "archive: \(archive)\n  \(manifest.files) files, \(manifest.records) records "
                + "(\(manifest.distinctEvents) distinct), \(mb(manifest.compressedBytes)) MB compressed, "
                + "\(mb(manifest.uncompressedBytes)) MB uncompressed JSON (ratio "
                + "\(fixed(Double(manifest.uncompressedBytes) / Double(max(1, manifest.compressedBytes)), 1)):1)")
        guard files.count == manifest.files else {
            print("discovery found \(files.count) files, the manifest says \(manifest.files)")
            exit(1)
        }

        let memoryResets = PeakMemory.reset()
        print(
            "peak RSS: VmHWM from /proc/self/status, reset before each phase via /proc/self/clear_refs: "
                + (memoryResets ? "yes" : "NO (figures include everything before)"))
        print("MB = 10^6 bytes; events/s = events read / seconds; JSON MB/s = decompressed bytes / seconds")
        print("")

        var results: [PhaseResult] = []

        // Phase A: decompression only.
        PeakMemory.reset()
        let plain = decompressAll(files)
        let plainPeak = PeakMemory.peakBytes()
        if plain.failures > 0 { print("  phase A: \(plain.failures) files failed to decompress") }
        if plain.bytes != manifest.uncompressedBytes {
            print("  phase A: read \(plain.bytes) bytes, the manifest says \(manifest.uncompressedBytes)")
        }
        results.append(
            PhaseResult(
                label: "A decompress only (\(jobs) threads)", seconds: plain.seconds, eventsRead: manifest.records,
                eventsWritten: nil, decompressedBytes: plain.bytes, peakRSSBytes: plainPeak))
        print("A  plain decompression, \(jobs) threads, \(readBufferBytes / 1024) KB buffer: \(fixed(plain.seconds, 3)) s")

        // Phases B–D: the export.
        let shm = isDirectory("/dev/shm")
        let tmpfsRoot = shm ? "/dev/shm/trailmill-bench-out" : arguments.work + "/out"
        print(
            shm
                ? "B, C, E, F write to tmpfs: \(tmpfsRoot) (\(fileSystem(of: "/dev/shm")))"
                : "B, C, E, F write under the work dir (no /dev/shm): \(tmpfsRoot) (\(fileSystem(of: arguments.work)))")
        let diskRoot = arguments.work + "/out-disk"
        print("D writes to the work dir: \(diskRoot) (\(fileSystem(of: arguments.work)))")

        let phases: [(label: String, format: OutputFormat, output: String)] = [
            ("B export flat → " + (shm ? "tmpfs" : "work dir"), .flat, tmpfsRoot + "/flat"),
            ("C export raw → " + (shm ? "tmpfs" : "work dir"), .raw, tmpfsRoot + "/raw"),
            ("D export flat → disk", .flat, diskRoot + "/flat"),
            ("E export cef → " + (shm ? "tmpfs" : "work dir"), .cef, tmpfsRoot + "/cef"),
            ("F export leef → " + (shm ? "tmpfs" : "work dir"), .leef, tmpfsRoot + "/leef"),
        ]
        for (label, format, output) in phases where !arguments.postgresOnly && !arguments.ocsfOnly && !arguments.sinksOnly {
            guard let result = exportPhase(
                label: label, archive: archive, output: output, format: format, logger: logger,
                keep: arguments.keep)
            else { exit(1) }
            results.append(result)
        }
        if !arguments.keep {
            try? FileManager.default.removeItem(atPath: tmpfsRoot)
            try? FileManager.default.removeItem(atPath: diskRoot)
        } else {
            print("outputs kept under \(tmpfsRoot) and \(diskRoot)")
        }

        if !arguments.postgresOnly && !arguments.sinksOnly {
            print("")
            OCSFPhase.run(files: eventFiles)
        }

        let pgEnvironment = ProcessInfo.processInfo.environment["PGHOST"].map { !$0.isEmpty } ?? false
        if !arguments.postgresOnly && !arguments.ocsfOnly {
            print("")
            MultiSinkPhase.run(
                archive: archive, outputRoot: tmpfsRoot, work: arguments.work,
                usePostgres: arguments.database != nil || pgEnvironment, conninfo: arguments.database, jobs: jobs,
                logger: logger)
        }
        if arguments.ocsfOnly || arguments.sinksOnly {
            print("G  skipped: --ocsf-only or --sinks-only")
        } else if arguments.database != nil || pgEnvironment {
            print("")
            PostgresPhase.run(
                archive: archive, work: arguments.work, conninfo: arguments.database, jobs: jobs, logger: logger)
        } else {
            print("G  skipped: no --database and no PGHOST")
        }

        print("")
        printTable(results)
        print("")
        print("target: >= 400000 events/s end to end, peak RSS < 300 MB")
        if let flat = results.first(where: { $0.label.hasPrefix("B") }) {
            let rate = Double(flat.eventsRead) / flat.seconds
            let peak = flat.peakRSSBytes.map { Double($0) / 1e6 }
            print(
                "B (flat export): \(Int(rate)) events/s "
                    + (rate >= 400_000 ? "meets" : "misses") + " the rate; peak RSS "
                    + (peak.map { "\(fixed($0, 1)) MB " + ($0 < 300 ? "meets" : "misses") } ?? "unknown")
                    + " the memory target")
        }
    }

    // MARK: Archive

    /// Generates the archive, or reuses it when its manifest and options match.
    static func prepareArchive(at archive: String, events: Int, work: String) throws -> SyntheticArchiveManifest {
        var options = SyntheticArchiveOptions()
        options.accounts = accounts
        options.regions = regions
        options.days = days
        options.filesPerDay = filesPerDay
        options.eventsPerFile = events / filesInArchive
        let expectedRecords = filesInArchive * options.eventsPerFile
        // The manifest does not record the options; a fingerprint beside the archive does.
        let fingerprint =
            "accounts=\(options.accounts) regions=\(options.regions) days=\(options.days) "
            + "filesPerDay=\(options.filesPerDay) eventsPerFile=\(options.eventsPerFile) "
            + "globalEventShare=\(options.globalEventShare) organization=\(options.organizationID ?? "-") "
            + "prefix=\(options.prefix) insights=\(options.insightsPerDay) level=\(options.compressionLevel) "
            + "start=\(options.startDate) seed=\(options.seed)\n"
        let fingerprintPath = work + "/archive-options.txt"
        let manifestPath = archive + "/synth-manifest.json"

        if let data = FileManager.default.contents(atPath: manifestPath),
            let manifest = try? JSONDecoder().decode(SyntheticArchiveManifest.self, from: data),
            manifest.files == filesInArchive, manifest.records == expectedRecords,
            (try? String(contentsOfFile: fingerprintPath, encoding: .utf8)) == fingerprint
        {
            print("reusing the archive (manifest and options match; its files may be in the page cache or not)")
            return manifest
        }

        if FileManager.default.fileExists(atPath: archive) {
            // Only ever delete something that looks like our own archive.
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: archive)) ?? []
            guard contents.isEmpty || contents.contains("synth-manifest.json") || contents == ["AWSLogs"] else {
                throw SyntheticArchiveError(message: "\(archive) exists and is not a synthetic archive; not touching it")
            }
            try FileManager.default.removeItem(atPath: archive)
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: fingerprintPath)
        print(
            "generating the archive: \(accounts) accounts × \(regions) regions × \(days) days × \(filesPerDay) files/day "
                + "× \(options.eventsPerFile) events/file, global share \(options.globalEventShare)…")
        let clock = ContinuousClock()
        let started = clock.now
        let manifest = try SyntheticArchive.write(to: archive, options: options)
        try fingerprint.write(toFile: fingerprintPath, atomically: true, encoding: .utf8)
        print("  generated in \(fixed((clock.now - started) / .seconds(1), 1)) s (not part of any figure)")
        return manifest
    }

    // MARK: Phase A

    /// Decompresses every file on `jobs` threads, files handed out by an atomic index.
    static func decompressAll(_ paths: [String]) -> (seconds: Double, bytes: Int, failures: Int) {
        let next = Atomic<Int>(0)
        let total = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let clock = ContinuousClock()
        let started = clock.now
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readBufferBytes, alignment: 64)
            defer { buffer.deallocate() }
            var bytes = 0
            var failed = 0
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < paths.count else { break }
                do {
                    let reader = try DecompressingReader(path: paths[index])
                    while true {
                        let count = try reader.read(into: buffer)
                        if count == 0 { break }
                        bytes &+= count
                    }
                } catch {
                    failed += 1
                }
            }
            total.wrappingAdd(bytes, ordering: .relaxed)
            failures.wrappingAdd(failed, ordering: .relaxed)
        }
        let seconds = (clock.now - started) / .seconds(1)
        return (seconds, total.load(ordering: .relaxed), failures.load(ordering: .relaxed))
    }

    // MARK: Export phases

    static func exportPhase(
        label: String, archive: String, output: String, format: OutputFormat, logger: Logger, keep: Bool
    ) -> PhaseResult? {
        try? FileManager.default.removeItem(atPath: output)
        var control = RunControl()
        control.jobs = jobs
        control.spillDirectory = output
        let run = ExportRun(
            input: InputSelection(root: archive), control: control,
            output: FileOutput(directory: output, stem: "bench", format: format), logger: logger)

        PeakMemory.reset()
        let clock = ContinuousClock()
        let started = clock.now
        let summary: RunSummary
        do {
            summary = try run.run()
        } catch {
            print("\(label): export failed: \(error)")
            return nil
        }
        let seconds = (clock.now - started) / .seconds(1)
        let peak = PeakMemory.peakBytes()
        print("\(label.prefix(1))  \(summary.oneLine)")
        print(
            "   \(summary.outputs.count) output files, \(mb(summary.bytes.written)) MB written, "
                + "\(summary.dedupeKeys) dedupe keys (\(mb(summary.dedupeTableBytes)) MB table)")
        for skipped in summary.skipped.prefix(3) { print("   skipped \(skipped.file): \(skipped.reason)") }
        if summary.files.dead > 0 { print("   WARNING: \(summary.files.dead) dead files") }
        if !keep { try? FileManager.default.removeItem(atPath: output) }
        return PhaseResult(
            label: label, seconds: seconds, eventsRead: summary.events.read, eventsWritten: summary.events.written,
            decompressedBytes: summary.bytes.decompressed, peakRSSBytes: peak)
    }

    // MARK: Output

    static func printTable(_ results: [PhaseResult]) {
        let header = ["phase", "seconds", "events read", "events written", "events/s", "JSON MB/s", "peak RSS MB", "× A"]
        let base = results.first?.seconds ?? 1
        var rows: [[String]] = []
        for result in results {
            rows.append([
                result.label,
                fixed(result.seconds, 3),
                String(result.eventsRead) + (result.eventsWritten == nil ? " *" : ""),
                result.eventsWritten.map(String.init) ?? "-",
                String(Int(Double(result.eventsRead) / result.seconds)),
                fixed(Double(result.decompressedBytes) / 1e6 / result.seconds, 1),
                result.peakRSSBytes.map { fixed(Double($0) / 1e6, 1) } ?? "?",
                fixed(result.seconds / base, 2),
            ])
        }
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        print(format(header))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in rows { print(format(row)) }
        print("* phase A decodes no events: the archive's record count, for the rate its bytes would carry")
    }

    static func printMachine() {
        let cpus = runTool("/usr/bin/nproc", []) ?? String(ProcessInfo.processInfo.activeProcessorCount)
        var model = "unknown CPU"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let memory = ProcessInfo.processInfo.physicalMemory
        print("machine: nproc \(cpus), \(model), \(fixed(Double(memory) / 1_073_741_824, 1)) GiB RAM")
    }

    /// Runs a tool and returns its trimmed standard output.
    static func runTool(_ path: String, _ arguments: [String]) -> String? {
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The type of the file system holding `path`, from /proc/mounts (longest matching mount point).
    static func fileSystem(of path: String) -> String {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return "unknown fs" }
        var best = (length: -1, type: "unknown fs")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = String(fields[1])
            let matches = point == "/" || path == point || path.hasPrefix(point + "/")
            if matches && point.count > best.length { best = (point.count, String(fields[2])) }
        }
        return best.type
    }

    static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    static func mb(_ bytes: Int) -> String { fixed(Double(bytes) / 1e6, 1) }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}

Bench.main()
