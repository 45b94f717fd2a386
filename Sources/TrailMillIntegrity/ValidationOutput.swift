import Foundation

/// aws-cli's `validate-logs` output (integrity.md §8), event by event, plus TrailMill's extra lines.
///
/// - `valid` lines (and unverified log lines, and uncovered files that are merely pending or listed only in invalid
///   digests) go to stdout, only when `verbose`.
/// - `INVALID: …`, gap lines, `UNVERIFIED: …` digests, `NOTE: …` findings and log files that no digest lists go to
///   stderr, each followed by a blank line and preceded by one when the previous line was a verbose stdout line.
/// - One `Validating log files for trail …` header per trail and region; one summary at the end.
public struct ValidationOutput: Sendable {
    /// Where a piece of text goes.
    public enum Stream: Sendable, Hashable {
        case standardOutput, standardError
    }

    /// Text for one stream.
    public struct Chunk: Sendable, Hashable {
        public var stream: Stream
        public var text: String
    }

    public var verbose: Bool
    /// The requested range, for the header and the summary.
    public var start: UTCTime?
    public var end: UTCTime?
    private var lastStatusDoubleSpace = true
    private var lastHeader: ChainID?

    /// Creates a writer.
    public init(verbose: Bool, start: UTCTime?, end: UTCTime?) {
        self.verbose = verbose
        self.start = start
        self.end = end
    }

    /// The whole output of a finished report, per stream (tests, non-streaming callers).
    public static func render(_ report: IntegrityReport, verbose: Bool) -> (stdout: String, stderr: String) {
        var writer = ValidationOutput(verbose: verbose, start: report.start, end: report.end)
        var out = ""
        var err = ""
        for chunk in report.events.flatMap({ writer.write($0) }) + writer.summary(report) {
            if chunk.stream == .standardOutput { out += chunk.text } else { err += chunk.text }
        }
        return (out, err)
    }

    private var startText: String { start?.iso8601 ?? "the first digest" }
    private var endText: String { end?.iso8601 ?? "the last digest" }

    /// The text for one event.
    public mutating func write(_ event: IntegrityEvent) -> [Chunk] {
        var chunks: [Chunk] = []
        switch event {
        case .chainStarted(let chain):
            guard lastHeader != chain.trail else { break }
            lastHeader = chain.trail
            var line = "Validating log files for trail \(chain.trailARN)"
            var qualifiers: [String] = []
            if let organization = chain.organizationID {
                qualifiers.append("organization \(organization), member account \(chain.accountID)")
            }
            if chain.sourceRegion != chain.homeRegion { qualifiers.append("digests from \(chain.sourceRegion)") }
            if !qualifiers.isEmpty { line += " (" + qualifiers.joined(separator: ", ") + ")" }
            line += " between \(startText) and \(endText)\n\n"
            if !lastStatusDoubleSpace { line = "\n" + line }
            lastStatusDoubleSpace = true
            chunks.append(Chunk(stream: .standardOutput, text: line))
        case .digest(let record):
            let head = (record.chain.isBackfill ? "(backfill) " : "") + "Digest file\t\(record.location.url)\t"
            switch record.status {
            case .valid:
                var text = "valid"
                if case .nextDigest = record.signatureSource {
                    text += " (signature from the next digest's previousDigestSignature)"
                }
                status(head + text, isError: false, into: &chunks)
            case .invalid(let reason): status(head + "INVALID: " + reason, isError: true, into: &chunks)
            case .unverified(let reason): status(head + "UNVERIFIED: " + reason, isError: true, into: &chunks)
            }
            for note in record.notes { status(head + "NOTE: " + note, isError: true, into: &chunks) }
        case .log(let record):
            let head = "Log file\t\(record.location.url)\t"
            switch record.status {
            case .valid: status(head + "valid", isError: false, into: &chunks)
            case .invalid(let reason): status(head + "INVALID: " + reason, isError: true, into: &chunks)
            case .unverified(let reason): status(head + "UNVERIFIED: " + reason, isError: false, into: &chunks)
            }
            for note in record.notes { status(head + "NOTE: " + note, isError: true, into: &chunks) }
        case .gap(let gap):
            status(
                (gap.chain.isBackfill ? "(backfill) " : "")
                    + "No log files were delivered by CloudTrail between \(gap.from.iso8601) and \(gap.to.iso8601)",
                isError: true, into: &chunks)
        case .uncoveredLog(let record):
            guard case .unverified(let reason) = record.status else { break }
            let loud = record.coverage == .notListed(pending: false)
            status("Log file\t\(record.location.url)\tUNVERIFIED: " + reason, isError: loud, into: &chunks)
        }
        return chunks
    }

    /// The summary after the last event.
    public mutating func summary(_ report: IntegrityReport) -> [Chunk] {
        var text = lastStatusDoubleSpace ? "" : "\n"
        if start == nil && end == nil {
            text += "Results requested for the whole archive\n"
        } else {
            text += "Results requested for \(startText) to \(endText)\n"
        }
        let c = report.counts
        let digestTotal =
            c.validDigests + c.invalidDigests + c.unverifiedDigests + c.validBackfillDigests
            + c.invalidBackfillDigests + c.unverifiedBackfillDigests
        if digestTotal == 0 {
            text += "No digests found\n"
            text += uncoveredLine(c)
            if c.uncoveredLogs > 0 { text += "\n" }
            return [Chunk(stream: .standardOutput, text: text)]
        }
        if let foundStart = report.foundStart ?? report.start, let foundEnd = report.foundEnd {
            text += "Results found for \(foundStart.iso8601) to \(foundEnd.iso8601):\n"
        } else {
            text += "No valid digests found in range\n"
        }
        text += ratio(c.validDigests, c.invalidDigests, c.unverifiedDigests, "digest")
        text += ratio(c.validBackfillDigests, c.invalidBackfillDigests, c.unverifiedBackfillDigests, "backfill digest")
        text += ratio(c.validLogs, c.invalidLogs, c.unverifiedLogs, "log")
        text += uncoveredLine(c)
        if c.signaturesFromNextDigest > 0 || c.unverifiedDigests + c.unverifiedBackfillDigests > 0 {
            text += "\nSignatures checked: \(c.signaturesFromSidecar) from the signature sidecar, "
                + "\(c.signaturesFromNextDigest) from the next digest's previousDigestSignature; "
                + "\(c.unverifiedDigests + c.unverifiedBackfillDigests) digest files could not be checked"
        }
        text += "\n"
        return [Chunk(stream: .standardOutput, text: text)]
    }

    private func ratio(_ valid: Int, _ invalid: Int, _ unverified: Int, _ name: String) -> String {
        let total = valid + invalid + unverified
        guard total > 0 else { return "" }
        var text = "\n\(valid)/\(total) \(name) files valid"
        if invalid > 0 { text += ", \(invalid)/\(total) \(name) files INVALID" }
        if unverified > 0 { text += ", \(unverified)/\(total) \(name) files UNVERIFIED" }
        return text
    }

    private func uncoveredLine(_ c: IntegrityCounts) -> String {
        guard c.uncoveredLogs > 0 else { return "" }
        var parts: [String] = []
        if c.unlistedLogs > 0 { parts.append("\(c.unlistedLogs) not listed in any digest") }
        if c.pendingLogs > 0 { parts.append("\(c.pendingLogs) newer than the newest digest") }
        if c.logsListedOnlyInInvalidDigests > 0 {
            parts.append("\(c.logsListedOnlyInInvalidDigests) listed only in invalid digests")
        }
        return "\n\(c.uncoveredLogs) log files not covered by a checked digest (UNVERIFIED: "
            + parts.joined(separator: ", ") + ")"
    }

    private mutating func status(_ message: String, isError: Bool, into chunks: inout [Chunk]) {
        if isError {
            chunks.append(Chunk(stream: .standardError, text: (lastStatusDoubleSpace ? "" : "\n") + message + "\n\n"))
            lastStatusDoubleSpace = true
        } else if verbose {
            lastStatusDoubleSpace = false
            chunks.append(Chunk(stream: .standardOutput, text: message + "\n"))
        }
    }
}

/// The `--summary-json` document:
/// `{"digests":{"valid","invalid","unverified"},"logs":{"valid","invalid","unverified"},"failures":[{"file","reason"}]}`.
///
/// Digests include backfill digests; a missing digest or log is invalid. `logs.unverified` counts checked entries
/// of unverified digests plus log files on disk in range that no checked digest covers. `failures` lists every
/// invalid digest and log: `file` is the path relative to the archive root (the `s3://` URL when the object's
/// bucket is not in the copy), `reason` aws-cli's status text without `INVALID: `.
public struct IntegritySummary: Codable, Sendable, Hashable {
    public struct Counts: Codable, Sendable, Hashable {
        public var valid = 0
        public var invalid = 0
        public var unverified = 0

        /// Creates a value.
        public init(valid: Int = 0, invalid: Int = 0, unverified: Int = 0) {
            self.valid = valid
            self.invalid = invalid
            self.unverified = unverified
        }
    }

    public struct Failure: Codable, Sendable, Hashable {
        public var file: String
        public var reason: String

        /// Creates a value.
        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
    }

    public var digests = Counts()
    public var logs = Counts()
    public var failures: [Failure] = []

    /// The summary of a report.
    public init(_ report: IntegrityReport) {
        let c = report.counts
        digests = Counts(
            valid: c.validDigests + c.validBackfillDigests, invalid: c.invalidDigests + c.invalidBackfillDigests,
            unverified: c.unverifiedDigests + c.unverifiedBackfillDigests)
        logs = Counts(valid: c.validLogs, invalid: c.invalidLogs, unverified: c.unverifiedLogs + c.uncoveredLogs)
        for event in report.events {
            switch event {
            case .digest(let record):
                if case .invalid(let reason) = record.status {
                    failures.append(Failure(file: record.relativePath ?? record.location.url, reason: reason))
                }
            case .log(let record):
                if case .invalid(let reason) = record.status {
                    failures.append(Failure(file: record.relativePath ?? record.location.url, reason: reason))
                }
            default: break
            }
        }
    }

    /// Pretty, sorted-key JSON.
    public func jsonBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// Writes the JSON to `path` atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try Data(jsonBytes()).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
