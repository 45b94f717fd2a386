import Foundation
import Synchronization
import Testing
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// The server dies in the middle of a load (stopped in immediate mode, as by a crash, while a COPY is open): the
/// open transaction is lost, nothing half-loaded stays, and a rerun (or the load's own reconnection) ends with
/// exactly the expected rows.
@Suite(.enabled(if: serverAvailable, noServerReason), .serialized)
struct ServerCrashTests {
    static func archive() throws -> (TemporaryDirectory, SyntheticArchiveManifest) {
        let root = try TemporaryDirectory("synth")
        var synth = SyntheticArchiveOptions()
        synth.accounts = 2
        synth.regions = 2
        synth.days = 2
        synth.filesPerDay = 4
        synth.eventsPerFile = 60
        return (root, try SyntheticArchive.write(to: root.path, options: synth))
    }

    static func options(_ source: String, cluster: PrivateCluster) -> LoadSetup {
        var options = LoadSetup(source: source, schema: "cloudtrail")
        options.control.jobs = 2
        options.target.conninfo = cluster.conninfo
        options.migrate = true
        options.batchBytes = 1  // one file per transaction
        options.target.initialBackoff = .milliseconds(50)
        options.target.maxBackoff = .milliseconds(200)
        return options
    }

    /// Every stored row belongs to a recorded file, and the recorded counts add up to the rows.
    static func expectConsistent(_ connection: PostgresConnection) throws {
        let orphans = try connection.query(
            """
            SELECT count(*) FROM cloudtrail.events e
            WHERE NOT EXISTS (SELECT 1 FROM cloudtrail.loaded_files f WHERE f.source_key = e.source_file)
            """)
        #expect(orphans == [["0"]])
        let sums = try connection.query(
            "SELECT (SELECT count(*) FROM cloudtrail.events)::text, coalesce(sum(events_inserted), 0)::text FROM cloudtrail.loaded_files")
        #expect(sums.first?[0] == sums.first?[1])
    }

    @Test func aCrashMidCopyThatOutlastsTheRetriesFailsCleanlyAndARerunCompletes() throws {
        let (root, manifest) = try Self.archive()
        defer { root.remove() }
        let cluster = try PrivateCluster()
        var options = Self.options(root.path, cluster: cluster)
        options.maxRetries = 2
        options.batchObserver = { event in
            if event == .copying(batch: 4) { try? cluster.crash() }
        }
        do {
            _ = try options.run()
            Issue.record("the load finished although the server was down")
        } catch {
            #expect(!error.isLockBusy)
            #expect(error.message.contains("lost the connection to PostgreSQL") && error.message.contains("run the load again"))
        }
        try cluster.start()
        let connection = try PostgresConnection(conninfo: cluster.conninfo)
        #expect(try connection.query("SELECT count(*) FROM cloudtrail.loaded_files") == [["3"]])
        try Self.expectConsistent(connection)
        #expect(try connection.query("SELECT status FROM cloudtrail.load_runs") == [["running"]])

        options.batchObserver = nil
        let rerun = try options.run()
        #expect(rerun.database?.filesAlreadyLoaded == 3 && rerun.files.done == manifest.files - 3)
        #expect(try connection.query("SELECT count(*) FROM cloudtrail.events") == [["\(manifest.distinctEvents)"]])
        #expect(try connection.query("SELECT count(*) FROM cloudtrail.loaded_files") == [["\(manifest.files)"]])
        try Self.expectConsistent(connection)
    }

    @Test func aServerRestartMidCopyIsRiddenOutByReconnecting() throws {
        let (root, manifest) = try Self.archive()
        defer { root.remove() }
        let cluster = try PrivateCluster()
        var options = Self.options(root.path, cluster: cluster)
        options.maxRetries = 8
        options.batchObserver = { event in
            guard event == .copying(batch: 5) else { return }
            try? cluster.crash()
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.3)
                try? cluster.start()
            }
        }
        let summary = try options.run()
        #expect(summary.database?.reconnects ?? 0 >= 1)
        #expect(summary.files.done == manifest.files && summary.exitStatus == 0)
        #expect(summary.events.written == manifest.distinctEvents)
        let connection = try PostgresConnection(conninfo: cluster.conninfo)
        #expect(try connection.query("SELECT count(*) FROM cloudtrail.events") == [["\(manifest.distinctEvents)"]])
        try Self.expectConsistent(connection)
    }
}
