import InMemoryLogging
import Logging
import Testing
import TrailMillPipeline
import TrailMillTestSupport

/// The warnings operators rely on (README, "Deduplication" and "Exit statuses") are emitted as log records with the
/// file and the reason as metadata, so log shippers can route them.
@Suite struct LogRecordTests {
    let account = "111122223333"

    func key(_ unique: String) -> String {
        ArchiveBuilder.logKey(account: account, region: "us-east-1", date: (2026, 1, 15), unique: unique)
    }

    /// A capturing logger at the CLI's default level.
    func capturingLogger() -> (Logger, InMemoryLogHandler) {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "trailmill") { _ in handler }
        logger.logLevel = .info
        return (logger, handler)
    }

    @Test func aDeadFileIsOneWarningNamingTheFileAndTheReason() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(key("good"), records: [ArchiveBuilder.record()])
        let broken = key("broken")
        try archive.writeBytes(broken, Array("not gzip at all".utf8))
        let (logger, handler) = capturingLogger()
        let (summary, output) = try runExport(archive.root, logger: logger)
        defer { output.remove() }
        #expect(summary.files.dead == 1)
        let dead = handler.entries.filter { $0.message.description == "file is dead" }
        try #require(dead.count == 1)
        #expect(dead[0].level == .warning)
        #expect(dead[0].metadata["file.key"]?.description == broken)
        #expect(dead[0].metadata["reason"]?.description == summary.reason(for: broken)?.reason)
    }

    /// "The first 20 conflicts are logged as warnings": across the whole run, not per file.
    @Test func onlyTheRunsFirstTwentyConflictsAreLogged() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let ids = (0..<25).map { "0b0e1234-5678-4abc-9def-0000000000\(String($0 + 10))" }
        try archive.writeLog(key("a-first"), records: ids.map { ArchiveBuilder.record(id: $0, user: "first") })
        for (index, id) in ids.enumerated() {
            try archive.writeLog(key("b-\(index + 10)"), records: [ArchiveBuilder.record(id: id, user: "second")])
        }
        let (logger, handler) = capturingLogger()
        let (summary, output) = try runExport(archive.root, logger: logger)
        defer { output.remove() }
        #expect(summary.events.conflicts == 25)
        let conflicts = handler.entries.filter { $0.message.description.contains("different content") }
        #expect(conflicts.count == 20)
        #expect(conflicts.allSatisfy { $0.level == .warning && $0.metadata["file.key"] != nil })
    }
}
