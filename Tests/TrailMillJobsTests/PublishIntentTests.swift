import Foundation
import Testing
import TrailMillJobs
import TrailMillTestSupport

/// Publish intents (roll forward, roll back) and the delivered-key set.
@Suite struct PublishIntentTests {
    let files = [FileIdentity(key: "k/1.json.gz", size: 10, sha256: "s1"), FileIdentity(key: "k/2.json.gz", size: 20)]
    let outputs = [
        PublishIntent.Output(
            sink: "siem", path: "/out/a-00001.cef", temporaryPath: "/out/.a-00001.cef.tmp", sha256: "h1", events: 3,
            bytes: 300),
        PublishIntent.Output(sink: "siem", path: "/out/a-00002.cef", sha256: "h2", events: 1, bytes: 100),
    ]

    static func key(_ n: UInt64) -> DeliveredKey { DeliveredKey(high: n, low: ~n) }
    let events = [
        DeliveredEvent(key: key(1), eventTimeMillis: 1_000), DeliveredEvent(key: key(2), eventTimeMillis: 2_000),
        DeliveredEvent(key: key(3), eventTimeMillis: 3_000), DeliveredEvent(key: key(3), eventTimeMillis: 3_000),
    ]

    func withState(_ body: (JobState, String) throws -> Void) throws {
        let temp = try TemporaryDirectory("trailmill-intents")
        defer { temp.remove() }
        try body(try JobState(path: temp.path + "/job.sqlite"), temp.path + "/job.sqlite")
    }

    @Test func rollForward() throws {
        try withState { state, path in
            let run = try state.beginRun()
            let intent = try state.recordIntent(
                runID: run, outputs: outputs, files: files, events: events, nowMillis: 5)
            // Nothing is done until the intent completes.
            #expect(try state.check(files, maxAttempts: 3) == [.new, .new])
            #expect(try state.delivered(among: [Self.key(1)]).isEmpty)
            // After a "crash", a fresh instance finds the intent as recorded.
            let reopened = try JobState(path: path)
            let pending = try reopened.pendingIntents()
            #expect(pending.count == 1)
            let found = try #require(pending.first)
            #expect(found.id == intent.id && found.runID == run && found.createdMillis == 5)
            #expect(found.outputs == outputs)
            #expect(found.files == files)
            #expect(found.events == Array(events.prefix(3)))
            #expect(found.resolve { ["/out/a-00001.cef": "h1", "/out/a-00002.cef": "h2"][$0] } == .rollForward)

            #expect(try reopened.completeIntent(found.id))
            #expect(try reopened.pendingIntents().isEmpty)
            for check in try reopened.check(files, maxAttempts: 3) {
                guard case .done(let record) = check else { Issue.record("\(check)"); continue }
                #expect(record.runID == run)
            }
            #expect(try reopened.outputs(runID: run).map(\.path) == outputs.map(\.path))
            #expect(
                try reopened.outputs().first
                    == OutputRecord(
                        runID: run, sink: "siem", path: "/out/a-00001.cef", events: 3, bytes: 300, sha256: "h1"))
            #expect(
                try reopened.delivered(among: [Self.key(1), Self.key(3), Self.key(9)]) == [Self.key(1), Self.key(3)])
            // Completing twice is a no-op.
            #expect(try reopened.completeIntent(found.id) == false)
            #expect(try reopened.statusCounts(maxAttempts: 3).deliveredKeys == 3)
        }
    }

    @Test func rollBack() throws {
        try withState { state, _ in
            let run = try state.beginRun()
            try state.recordDead(files[1], reason: "earlier failure", runID: run)
            let intent = try state.recordIntent(runID: run, outputs: outputs, files: files, events: events)
            #expect(intent.resolve { _ in nil } == .rollBack)
            #expect(try state.statusCounts(maxAttempts: 3).pendingIntents == 1)
            #expect(try state.discardIntent(intent.id))
            #expect(try state.discardIntent(intent.id) == false)
            #expect(try state.pendingIntents().isEmpty)
            #expect(try state.check([files[0]], maxAttempts: 3) == [.new])
            #expect(try state.record(key: files[1].key)?.status == .dead)
            #expect(try state.outputs().isEmpty)
            #expect(try state.delivered(among: events.map(\.key)).isEmpty)
            #expect(try state.completeIntent(intent.id) == false)
        }
    }

    @Test func partialPublicationIsReported() {
        let intent = PublishIntent(id: 1, runID: 1, createdMillis: 0, outputs: outputs, files: files, events: [])
        #expect(intent.resolve { $0 == "/out/a-00001.cef" ? "h1" : nil } == .partial(pending: [outputs[1]]))
        // A file in place with another hash is not this publication's output.
        #expect(intent.resolve { _ in "other" } == .rollBack)
        let empty = PublishIntent(id: 2, runID: 1, createdMillis: 0, outputs: [], files: files, events: [])
        #expect(empty.resolve { _ in nil } == .rollForward)
    }

    @Test func keysInAWindowAndPruning() throws {
        try withState { state, _ in
            let run = try state.beginRun()
            let many = (0..<2_000).map { DeliveredEvent(key: Self.key(UInt64($0)), eventTimeMillis: Int64($0) * 1_000) }
            let intent = try state.recordIntent(runID: run, outputs: [], files: [], events: many)
            try state.completeIntent(intent.id)
            let window = try state.deliveredKeys(eventTimes: 500_000...1_499_999)
            #expect(window.count == 1_000 && window.contains(Self.key(500)) && !window.contains(Self.key(1_500)))
            let probe = (1_990..<2_010).map { Self.key(UInt64($0)) } + many.prefix(700).map(\.key)
            #expect(try state.delivered(among: probe).count == 710)
            #expect(try state.pruneDeliveredKeys(eventsBefore: 1_000_000) == 1_000)
            #expect(try state.delivered(among: [Self.key(999), Self.key(1_000)]) == [Self.key(1_000)])
            #expect(try state.statusCounts(maxAttempts: 1).deliveredKeys == 1_000)
        }
    }

    @Test func keysRoundTripThroughSixteenBytes() throws {
        let key = DeliveredKey(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        #expect(key.bytes == Array(1...16))
        #expect(DeliveredKey(bytes: key.bytes) == key)
        #expect(DeliveredKey(bytes: Data(key.bytes)) == key)
        #expect(DeliveredKey(bytes: [UInt8](repeating: 0, count: 15)) == nil)
    }

    @Test func contentHash() throws {
        let temp = try TemporaryDirectory("trailmill-hash")
        defer { temp.remove() }
        let path = try temp.write("f", text: "abc")
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(ContentHash.sha256(path: path) == expected)
        #expect(ContentHash.sha256(bytes: Array("abc".utf8)) == expected)
        #expect(ContentHash.sha256(path: temp.path + "/missing") == nil)
    }
}
