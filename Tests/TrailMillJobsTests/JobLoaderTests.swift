import Testing
import TrailMillArchive
import TrailMillIntegrity
import TrailMillJobs
import TrailMillPipeline
import TrailMillSIEM

/// Job files that load, their defaults, and what they turn into for the pipeline.
@Suite struct JobLoaderTests {
    @Test func theIssueExampleLoads() throws {
        let job = try JobTest.load(JobTest.issueExample)
        #expect(job.name == "nightly-siem")
        #expect(job.version == 1)
        #expect(job.sourcePath == "/data/cloudtrail")
        #expect(job.selection.window == .lookback(Lookback(hours: 72)))
        #expect(job.statePath == "/var/lib/trailmill/nightly-siem.sqlite")
        #expect(job.lockPath == "/var/lib/trailmill/nightly-siem.sqlite.lock")
        #expect(job.jobs == 4)
        #expect(job.summaryPath == nil)
        #expect(job.digestVerification == nil)
        let sink = try #require(job.fileSinks.first)
        #expect(job.sinks.count == 1)
        #expect(sink.name == "nightly-siem")
        #expect(sink.type == .ndjson)
        #expect(sink.directory == "/var/spool/siem/cloudtrail")
        #expect(sink.format == .flat)
        #expect(!sink.gzip)
        #expect(sink.maxFileBytes == 256 << 20)
        #expect(sink.syslog == .none)
        #expect(job.limits.deadFileRetries == 3 && job.limits.maxAttempts == 4)
    }

    @Test func everyKeyLoads() throws {
        let job = try JobTest.load(
            """
            version: 1
            name: all.keys_1
            source: {path: archive}
            select:
              accounts: ["111122223333", 444455556666]
              regions: [us-east-1, eu-west-1]
              event_folders: [CloudTrail, CloudTrail-Insight]
              from: 2026-01-01
              to: 2026-03-31
            filters:
              since: 2026-01-02
              until: 2026-01-03T12:00:00Z
              event_names: [ConsoleLogin]
              event_sources: [signin.amazonaws.com]
              users: [alice]
              categories: [management]
              read_only: false
              errors_only: true
            sinks:
              - {type: ndjson, name: raw-copy, path: ../out/raw, format: raw, gzip: true, max_file_bytes: 1GiB}
              - {type: cef, path: /spool/cef, syslog: rfc5424, max_file_bytes: 1000}
              - {type: leef, path: /spool/leef, syslog: rfc3164}
              - {type: postgres, database: "host=db user=u", schema: audit_2026, migrate: true}
            parallelism: {jobs: 2}
            limits: {max_decompressed_bytes: 512MB, dead_file_retries: 0}
            verify_digests: {public_keys: [keys.json], signatures: sigs.json, deliver_unverified: true}
            state: state/all.sqlite
            summary: /var/log/all.json
            """)
        #expect(job.sourcePath == "/etc/trailmill/archive")
        #expect(job.selection.accounts == ["111122223333", "444455556666"])
        #expect(job.selection.regions == ["us-east-1", "eu-west-1"])
        #expect(job.selection.eventFolders == [.cloudTrail, .insight])
        let from = try #require(CivilDate(year: 2026, month: 1, day: 1))
        let to = try #require(CivilDate(year: 2026, month: 3, day: 31))
        #expect(job.selection.window == .range(from...to))
        #expect(job.filters.sinceMillis == TimeArgument.parse("2026-01-02", endOfDay: false))
        #expect(job.filters.untilMillis == TimeArgument.parse("2026-01-03T12:00:00Z", endOfDay: true))
        #expect(job.filters.readOnly == false && job.filters.errorsOnly)
        #expect(job.filters.eventFilter.readOnly == .writesOnly)
        #expect(job.sinks.map(\.name) == ["raw-copy", "all.keys_1-cef", "all.keys_1-leef", "all.keys_1-postgres"])
        let sinks = job.fileSinks
        #expect(sinks[0].directory == "/etc/out/raw" && sinks[0].format == .raw && sinks[0].gzip)
        #expect(sinks[0].maxFileBytes == 1 << 30)
        #expect(sinks[1].format == .cef && sinks[1].syslog == .rfc5424 && sinks[1].maxFileBytes == 1000)
        #expect(sinks[2].format == .leef && sinks[2].syslog == .rfc3164)
        let postgres = try #require(job.postgresSinks.first)
        #expect(postgres.database?.reveal() == "host=db user=u" && postgres.schema == "audit_2026" && postgres.migrate)
        #expect(job.jobs == 2)
        #expect(job.limits.maxDecompressedBytes == 512_000_000 && job.limits.maxAttempts == 1)
        #expect(job.digestVerification?.publicKeyPaths == ["/etc/trailmill/keys.json"])
        #expect(job.digestVerification?.signaturesPath == "/etc/trailmill/sigs.json")
        #expect(job.digestVerification?.deliverUnverified == true)
        #expect(job.statePath == "/etc/trailmill/state/all.sqlite")
        #expect(job.summaryPath == "/var/log/all.json")
    }

    @Test func theOldSizeKeyIsStillAcceptedAndTheNewOneMatchesTheCommandLine() throws {
        for key in ["max_uncompressed_bytes", "max_decompressed_bytes"] {
            let job = try JobLoader(environment: [:]).parse(yaml: JobTest.minimal("limits:\n  \(key): 64MiB"), path: "t.yaml")
            #expect(job.limits.maxDecompressedBytes == 64 << 20, "\(key)")
        }
    }

    @Test func forgivingFilterKeys() throws {
        let job = try JobLoader(environment: [:]).parse(
            yaml: JobTest.minimal("filters:\n  user_types: [Root]\n  resources: [my-bucket]\n  event_sources: [iam]"),
            path: "t.yaml")
        #expect(job.filters.userTypes == ["Root"] && job.filters.resources == ["my-bucket"])
        #expect(!job.filters.eventFilter.isEmpty)
    }

    @Test func defaultStateDirectory() throws {
        func state(_ environment: [String: String], root: Bool) throws -> String {
            try JobLoader(environment: environment, currentDirectory: "/etc/trailmill", isRoot: root)
                .parse(yaml: JobTest.minimal(""), path: "t.yaml").statePath
        }
        #expect(try state(["XDG_STATE_HOME": "/srv/state", "HOME": "/home/ops"], root: false) == "/srv/state/trailmill/t.sqlite")
        #expect(try state(["XDG_STATE_HOME": "/srv/state"], root: true) == "/srv/state/trailmill/t.sqlite")
        #expect(try state(["HOME": "/home/ops"], root: false) == "/home/ops/.local/state/trailmill/t.sqlite")
        #expect(try state(["HOME": "/root"], root: true) == "/var/lib/trailmill/t.sqlite")
        #expect(try state([:], root: false) == "/var/lib/trailmill/t.sqlite")
    }

    @Test func defaultsAndRelativePaths() throws {
        let job = try JobLoader(environment: [:], defaultJobs: 3, currentDirectory: "/home/ops")
            .parse(yaml: JobTest.minimal("verify_digests: true"), path: "jobs/./t.yaml")
        #expect(job.directory == "/home/ops/jobs")
        #expect(job.filePath == "jobs/./t.yaml")
        // No `state`: never beside the job file (often a read-only /etc), but in the XDG state directory.
        #expect(job.statePath == "/var/lib/trailmill/t.sqlite")
        #expect(job.jobs == 3)
        #expect(job.selection.window == .lookback(Lookback(hours: 72)))
        #expect(job.selection.eventFolders == [.cloudTrail, .insight, .networkActivity])
        #expect(job.digestVerification != nil)
        #expect(job.filters.eventFilter.isEmpty)
    }

    @Test func selectionForTodayLookbackAndOverride() throws {
        let job = try JobTest.load(JobTest.minimal("select: {lookback: 36h, regions: [us-east-1]}"))
        let today = try #require(CivilDate(year: 2026, month: 1, day: 17))
        let selection = job.archiveSelection(today: today)
        #expect(selection.deliveryDates == today.adding(days: -2)...today)
        #expect(selection.regions == ["us-east-1"])
        #expect(job.archiveSelection(today: today).eventFolders == [.cloudTrail, .insight, .networkActivity])
        let from = try #require(JobValues.parseDate("2025-12-01"))
        let to = try #require(JobValues.parseDate("2025-12-31"))
        #expect(job.archiveSelection(today: today, override: from...to).deliveryDates == from...to)
        // 2026-01-15 minus 2 days of margin = 2026-01-13T00:00Z.
        #expect(job.dedupeWindowStartMillis(today: today) == TimeArgument.parse("2026-01-13", endOfDay: false))
        let backfill = try JobTest.load(JobTest.minimal("select: {from: 2026-01-01, to: 2026-01-31}"))
        let first = try #require(JobValues.parseDate("2026-01-01"))
        let last = try #require(JobValues.parseDate("2026-01-31"))
        #expect(backfill.deliveryDates(today: today) == first...last)
    }

    @Test func exportAndLoadOptions() throws {
        let job = try JobTest.load(
            """
            name: opts
            source: {path: /archive}
            select: {accounts: ["111122223333"]}
            filters: {event_names: [RunInstances], read_only: true}
            parallelism: {jobs: 7}
            limits: {max_decompressed_bytes: 1MiB}
            sinks:
              - {type: cef, path: /out, gzip: true, syslog: rfc3164, max_file_bytes: 2MiB}
              - {type: postgres, database: "postgresql://u:pw@db/x", schema: s}
            """)
        let cef = try #require(job.fileSinks.first)
        #expect(cef.directory == "/out" && cef.name == "opts-cef")
        #expect(cef.format == .cef && cef.gzip && cef.syslog == .rfc3164 && cef.maxFileBytes == 2 << 20)
        let input = job.inputSelection
        #expect(input.source.location == "/archive" && input.accounts == ["111122223333"])
        #expect(input.filter.eventNames == ["RunInstances"] && input.filter.readOnly == .readOnly)
        #expect(job.runControl.maxDecompressedBytes == 1 << 20 && job.runControl.jobs == 7)
        let postgres = try #require(job.postgresSinks.first)
        let load = job.postgresTarget(for: postgres)
        #expect(load.conninfo == "postgresql://u:pw@db/x" && load.schema == "s" && !load.migrate)
    }

    @Test func anOCSFSink() throws {
        let job = try JobTest.load(
            """
            name: lake
            source: {path: /archive}
            sinks:
              - {type: ocsf, path: /lake/cloudtrail, gzip: true, max_file_bytes: 64MiB}
              - {type: ndjson, path: /lake/cloudtrail}
            """)
        let ocsf = try #require(job.fileSinks.first)
        #expect(ocsf.name == "lake-ocsf" && ocsf.type == .ocsf && ocsf.format == .ocsf)
        #expect(ocsf.directory == "/lake/cloudtrail" && ocsf.gzip && ocsf.maxFileBytes == 64 << 20)
        #expect(ocsf.format.fileExtension == "ocsf.ndjson")
        #expect(job.fileSinks[1].format == .flat)
    }

    @Test func valueParsers() {
        #expect(Lookback.parse("3d") == Lookback(hours: 72))
        #expect(Lookback.parse("36h")?.days == 2)
        #expect(Lookback.parse("36h")?.description == "36h" && Lookback.parse("2d")?.description == "2d")
        // One duration parser everywhere: weeks and compound durations too; hours round up.
        #expect(Lookback.parse("1w") == Lookback(hours: 168) && Lookback.parse("1d12h") == Lookback(hours: 36))
        #expect(Lookback.parse("90m") == Lookback(hours: 2))
        for bad in ["", "d", "0d", "3", "3y", "-1d", "3.5d", "99999999d", " 3d", "3 d"] { #expect(Lookback.parse(bad) == nil) }
        #expect(JobValues.parseByteSize("256MiB") == 256 << 20)
        #expect(JobValues.parseByteSize("10 KB") == 10_000)
        #expect(JobValues.parseByteSize("42") == 42)
        for bad in ["", "0", "1.5GiB", "10mib", "999999999999TiB", "MiB"] {
            #expect(JobValues.parseByteSize(bad) == nil)
        }
        #expect(JobValues.parseDate("2024-02-29") == CivilDate(year: 2024, month: 2, day: 29))
        for bad in ["2026-02-29", "2026-1-01", "2026-13-01", "20260101", "2026-01-01T00:00:00Z", "２０２６-01-01"] {
            #expect(JobValues.parseDate(bad) == nil)
        }
    }
}
