import Foundation
import Testing
import TrailMillTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Each sink of a job keeps its own bookkeeping: a sink that fails does not hold the others back, and its files
/// are redone for it alone (issue 10, defect 1).
@Suite struct JobSinkIsolationCLITests {
    /// Sink `b` writes to a 128 KiB tmpfs and runs out of space while sink `a` succeeds. `a` publishes every event
    /// in the first run; the second run, with room on the mount, delivers every event to `b` and none again to
    /// `a`: exactly once per sink.
    @Test func aSinkThatRunsOutOfSpaceIsRedoneAloneOnTheNextRun() throws {
        let work = try TemporaryDirectory("job-cli-enospc")
        defer { work.remove() }
        let mount = work.path + "/small"
        guard let tmpfs = try SmallMount(at: mount, size: "128k") else { return }
        defer { tmpfs.remove() }
        let distinct = try JobCLI.synth(work.path + "/archive")
        let a = work.path + "/a"
        let b = mount + "/b"
        let job = try JobCLI.writeJob(
            in: work, source: work.path + "/archive",
            sinks: """
                  - {type: ndjson, name: a, path: \(a)}
                  - {type: ndjson, name: b, path: \(b)}
                """)

        let first = try CLIRunner.run(["run", job, "--summary-json", work.path + "/first.json"])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.contains("No space left on device"), "\(first.stderr)")
        let idsA = try JobCLI.eventIDs(in: a)
        #expect(idsA.count == distinct && Set(idsA).count == distinct, "sink a published \(idsA.count) of \(distinct)")
        #expect(try JobCLI.eventIDs(in: b).isEmpty)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.path + "/first.json")))
                as? [String: Any])
        let sinks = try #require(summary["sinks"] as? [[String: Any]])
        #expect(sinks.map { $0["failure"] != nil } == [false, true])

        try tmpfs.resize("64m")
        let second = try CLIRunner.run(["run", job, "--quiet"])
        #expect(second.status == 0, "\(second.stderr)")
        let afterA = try JobCLI.eventIDs(in: a)
        let afterB = try JobCLI.eventIDs(in: b)
        #expect(afterA.count == distinct && Set(afterA).count == distinct, "sink a: \(afterA.count) lines")
        #expect(afterB.count == distinct && Set(afterB) == Set(afterA), "sink b: \(afterB.count) lines")

        let third = try CLIRunner.run(["run", job, "--quiet"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try JobCLI.eventIDs(in: a).count == distinct && JobCLI.eventIDs(in: b).count == distinct)
    }
}

/// A small tmpfs mounted for one test (tests run as root); nil, with the reason printed, where mounting is not
/// permitted.
struct SmallMount {
    let path: String

    init?(at path: String, size: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
        let result = try Self.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
        guard result == 0 else {
            print("skipped: cannot mount a tmpfs at \(path) (mount exited \(result); the test needs root)")
            return nil
        }
    }

    /// Changes the mount's size.
    func resize(_ size: String) throws {
        #expect(try Self.command("/bin/mount", ["-o", "remount,size=\(size)", path]) == 0)
    }

    /// Unmounts.
    func remove() {
        _ = try? Self.command("/bin/umount", [path])
    }

    private static func command(_ tool: String, _ arguments: [String]) throws -> Int32 {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return 127 }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
