import Testing
import TrailMillJobs

/// Every kind of mistake is reported with the file, the 1-based line and the key path.
@Suite struct JobFileErrorTests {
    /// Checks line, key path and message of the error `yaml` produces.
    func expectError(
        _ yaml: String, line: Int, keyPath: String, _ message: String, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = JobTest.error(yaml, environment: environment) else { return }
        #expect(error.file == "/etc/trailmill/nightly.yaml", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.keyPath == keyPath, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
        let prefix = "/etc/trailmill/nightly.yaml:\(line): " + (keyPath.isEmpty ? "" : "\(keyPath): ")
        #expect(error.description == prefix + error.message, sourceLocation: sourceLocation)
    }

    @Test func unknownKeyWithATypoSuggestion() {
        let yaml = """
            name: nightly
            source:
              path: /data
            sinks:
              - type: ndjson
                path: /out
                fromat: flat
            """
        expectError(yaml, line: 7, keyPath: "sinks[0].fromat", #"unknown key (did you mean "format"?)"#)
        let error = JobTest.error(yaml)
        #expect(
            error?.description
                == #"/etc/trailmill/nightly.yaml:7: sinks[0].fromat: unknown key (did you mean "format"?)"#)
        #expect(error?.column == 5)
        expectError(JobTest.minimal("sate: x.sqlite"), line: 7, keyPath: "sate", #"did you mean "state"?"#)
        expectError(
            JobTest.minimal("colour: blue"), line: 7, keyPath: "colour", "unknown key (expected one of: filters")
        expectError(
            JobTest.minimal("select:\n  lookbak: 3d"), line: 8, keyPath: "select.lookbak", #"did you mean "lookback"?"#)
    }

    @Test func aKeyOfAnotherSinkType() {
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: ndjson\n    path: /o\n    syslog: rfc5424",
            line: 6, keyPath: "sinks[0].syslog", "not a key of ndjson sinks (it applies to cef, leef)")
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: ndjson\n    path: /o\n    format: cef",
            line: 6, keyPath: "sinks[0].format", "use type: cef")
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: ndjson\n    path: /o\n    format: ocsf",
            line: 6, keyPath: "sinks[0].format", "use type: ocsf for OCSF output")
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: ocsf\n    path: /o\n    syslog: none",
            line: 6, keyPath: "sinks[0].syslog", "not a key of ocsf sinks (it applies to cef, leef)")
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: ocsf\n    path: /o\n    format: flat",
            line: 6, keyPath: "sinks[0].format", "not a key of ocsf sinks (it applies to ndjson)")
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: ndjsn\n    path: /o", line: 4,
            keyPath: "sinks[0].type", #"did you mean "ndjson"?"#)
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - path: /o", line: 4, keyPath: "sinks[0].type",
            "missing required key")
    }

    @Test func wrongTypes() {
        expectError(
            JobTest.minimal("parallelism:\n  jobs: many"), line: 8, keyPath: "parallelism.jobs",
            "expected a whole number from 1 to 1024")
        expectError(JobTest.minimal("parallelism: {jobs: 0}"), line: 7, keyPath: "parallelism.jobs", "from 1 to 1024")
        expectError(JobTest.minimal("select: [a, b]"), line: 7, keyPath: "select", "expected a mapping, found a list")
        expectError(
            JobTest.minimal("select: {regions: us-east-1}"), line: 7, keyPath: "select.regions",
            "expected a list, found a scalar")
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: ndjson\n    path: /o\n    gzip: yes please",
            line: 6, keyPath: "sinks[0].gzip", #"expected true or false, found "yes please""#)
        expectError(
            "name: n\nsource:\n  path: [a]\nsinks: []", line: 3, keyPath: "source.path",
            "expected a value, found a list")
        expectError(JobTest.minimal("summary:"), line: 7, keyPath: "summary", "expected a value, found no value")
        expectError(JobTest.minimal("version: 2"), line: 7, keyPath: "version", "unsupported version 2")
        expectError(
            JobTest.minimal("select:\n  accounts: [\"12345\"]"), line: 8, keyPath: "select.accounts[0]", "12-digit")
        expectError(
            JobTest.minimal("filters:\n  categories: [Mgmt]"), line: 8, keyPath: "filters.categories[0]",
            "not one of Management")
        expectError(
            JobTest.minimal("limits:\n  max_decompressed_bytes: 2 gigs"), line: 8,
            keyPath: "limits.max_decompressed_bytes", "is not a size")
        expectError(
            JobTest.minimal("limits:\n  max_uncompressed_bytes: 2 gigs"), line: 8,
            keyPath: "limits.max_uncompressed_bytes", "is not a size")
        expectError(
            "name: ../etc\nsource: {path: /d}\nsinks: [{type: ndjson, path: /o}]", line: 1, keyPath: "name",
            "not a valid name")
    }

    @Test func badDurationsAndDates() {
        expectError(
            JobTest.minimal("select:\n  lookback: 3 days"), line: 8, keyPath: "select.lookback",
            "is not a duration such as 90d")
        expectError(
            JobTest.minimal("select:\n  from: 2026-02-30\n  to: 2026-03-01"), line: 8, keyPath: "select.from",
            "is not a date: write YYYY-MM-DD")
        expectError(
            JobTest.minimal("select:\n  from: 2026-03-01\n  to: 2026-01-01"), line: 9, keyPath: "select.to",
            "is before from")
        expectError(
            JobTest.minimal("filters:\n  since: the day before"), line: 8, keyPath: "filters.since", "is not an RFC 3339 time")
    }

    @Test func fromWithoutToAndLookbackWithFrom() {
        expectError(
            JobTest.minimal("select:\n  from: 2026-01-01"), line: 8, keyPath: "select.to", "missing: from needs to")
        expectError(
            JobTest.minimal("select:\n  regions: [us-east-1]\n  to: 2026-01-01"), line: 9, keyPath: "select.from",
            "missing: to needs from")
        expectError(
            JobTest.minimal("select:\n  from: 2026-01-01\n  lookback: 3d\n  to: 2026-01-02"), line: 9,
            keyPath: "select.lookback", "lookback and from/to are mutually exclusive (select.from is on line 8)")
    }

    @Test func missingRequiredKeys() {
        expectError(
            "source: {path: /d}\nsinks: [{type: ndjson, path: /o}]", line: 1, keyPath: "name", "missing required key")
        expectError("name: n\nsource: {path: /d}", line: 1, keyPath: "sinks", "missing required key")
        expectError("name: n\nsource: {path: /d}\nsinks: []", line: 3, keyPath: "sinks", "must list at least one sink")
        expectError("name: n\nsource:\n  pth: /d\nsinks: []", line: 3, keyPath: "source.pth", #"did you mean "path"?"#)
        expectError("name: n\nsource: {}\nsinks: []", line: 2, keyPath: "source.path", "missing required key")
        expectError(
            "name: n\nsource: {path: /d}\nsinks:\n  - type: cef\n    syslog: none", line: 4, keyPath: "sinks[0].path",
            "missing required key")
        expectError("", line: 1, keyPath: "", "empty")
    }

    @Test func duplicateSinks() {
        let sameName = """
            name: n
            source: {path: /d}
            sinks:
              - {type: ndjson, path: /a, name: siem}
              - {type: cef, path: /b, name: siem}
            """
        expectError(sameName, line: 5, keyPath: "sinks[1].name", #"sink name "siem" is already used by sinks[0]"#)
        let sameTarget = """
            name: n
            source: {path: /d}
            sinks:
              - {type: ndjson, path: /a, name: one}
              - type: ndjson
                name: two
                path: /x/../a/
            """
        expectError(sameTarget, line: 7, keyPath: "sinks[1].path", "sinks[0] already uses this ndjson output directory")
        let defaultNames =
            "name: n\nsource: {path: /d}\nsinks:\n  - {type: ndjson, path: /a}\n  - {type: ndjson, path: /b}"
        expectError(defaultNames, line: 5, keyPath: "sinks[1].name", "give each sink a distinct name")
        let databases =
            "name: n\nsource: {path: /d}\nsinks:\n  - {type: postgres, name: a}\n  - {type: postgres, name: b}"
        expectError(databases, line: 5, keyPath: "sinks[1]", "already uses this database and schema")
    }

    @Test func missingEnvironmentVariable() {
        expectError(
            "name: n\nsource:\n  path: ${ARCHIVE_ROOT}/logs\nsinks: [{type: ndjson, path: /o}]", line: 3,
            keyPath: "source.path", "environment variable ARCHIVE_ROOT is not set")
        expectError(JobTest.minimal("state: ${STATE"), line: 7, keyPath: "state", "unterminated ${")
        expectError(
            JobTest.minimal("state: ${1BAD}"), line: 7, keyPath: "state", "not a valid environment variable name")
    }

    @Test func yamlSyntaxAndDuplicateKeys() {
        guard let syntax = JobTest.error("name: n\nsource:\n  path: [unclosed\nsinks: []\n") else { return }
        #expect(syntax.line >= 3 && syntax.message.hasPrefix("invalid YAML"), "\(syntax)")
        expectError(
            "name: a\nsource: {path: /d}\nname: b\nsinks: [{type: ndjson, path: /o}]", line: 1, keyPath: "",
            #"duplicate key "name""#)
    }

    @Test func unreadableFile() {
        do {
            _ = try JobLoader(environment: [:]).load(path: "/nonexistent/job.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 0)
            #expect(error.description.hasPrefix("/nonexistent/job.yaml: cannot read"))
        }
    }
}
