import Foundation
import Testing
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// A reconnect whose old server session still holds the load lock (the server has not noticed the lost connection)
/// takes the lock over and finishes, instead of reporting "already running" (issue 10, defect 3).
@Suite(.enabled(if: serverAvailable, noServerReason), .serialized)
struct ReconnectLockTests {
    @Test func aReconnectTakesOverTheLockOfItsOwnLostSession() throws {
        let schema = try TestSchema()
        let environment = ProcessInfo.processInfo.environment
        let proxy = try HalfOpenProxy(
            serverDirectory: try #require(environment["PGHOST"]), port: environment["PGPORT"] ?? "5432")
        let root = try TemporaryDirectory("reconnect-lock")
        defer { root.remove() }
        var synth = SyntheticArchiveOptions()
        synth.accounts = 1
        synth.regions = 2
        synth.days = 1
        synth.filesPerDay = 4
        synth.eventsPerFile = 30
        let manifest = try SyntheticArchive.write(to: root.path, options: synth)

        let cut = CutOnce(proxy: proxy)
        var setup = schema.options(root.path) {
            $0.batchBytes = 1  // one file per transaction
            $0.target.conninfo = proxy.conninfo
            $0.target.initialBackoff = .milliseconds(50)
            $0.batchObserver = { event in if event == .copying(batch: 3) { cut.fire() } }
        }
        setup.target.maxRetries = 3
        let result = Result { () throws(RunFailure) in try setup.run() }
        // Closing the proxy ends the old session if the load left it alive (the schema can then be dropped).
        proxy.stop()
        let summary = try result.get()
        #expect(cut.fired)
        #expect(summary.database?.reconnects == 1, "\(summary.oneLine)")
        #expect(summary.files.dead == 0)
        #expect(try schema.count() == manifest.distinctEvents)
        #expect(try schema.count("loaded_files") == manifest.files)
        withExtendedLifetime(schema) {}
    }
}

/// Cuts the proxy's clients the first time it fires.
final class CutOnce: @unchecked Sendable {
    let proxy: HalfOpenProxy
    private let lock = NSLock()
    private(set) var fired = false

    init(proxy: HalfOpenProxy) { self.proxy = proxy }

    func fire() {
        lock.lock()
        defer { lock.unlock() }
        guard !fired else { return }
        fired = true
        proxy.cutClients()
    }
}
