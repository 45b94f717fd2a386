import Foundation
import Testing
import TrailMillJobs
import TrailMillTestSupport

/// The per-job run lock: one holder at a time, released on close and when the holder dies.
@Suite struct RunLockTests {
    @Test func aSecondAcquirerFailsWithTheHoldersPID() throws {
        let temp = try TemporaryDirectory("trailmill-lock")
        defer { temp.remove() }
        let path = temp.path + "/job.sqlite.lock"
        let lock = try RunLock.acquire(path: path)
        #expect(lock.isHeld)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(ProcessInfo.processInfo.processIdentifier)\n")
        #expect { _ = try RunLock.acquire(path: path) } throws: { error in
            guard let error = error as? RunLockError else { return false }
            return error.isAlreadyRunning && error.holderPID == ProcessInfo.processInfo.processIdentifier
                && error.description
                    == "already running (pid \(ProcessInfo.processInfo.processIdentifier)): \(path) is locked"
        }
        lock.release()
        #expect(!lock.isHeld)
        lock.release()
        let again = try RunLock.acquire(path: path)
        #expect(again.isHeld)
    }

    @Test func deinitReleases() throws {
        let temp = try TemporaryDirectory("trailmill-lock")
        defer { temp.remove() }
        let path = temp.path + "/job.sqlite.lock"
        do { _ = try RunLock.acquire(path: path) }
        #expect(throws: Never.self) { _ = try RunLock.acquire(path: path) }
    }

    @Test func anotherProcessHoldsItUntilKilled() throws {
        let temp = try TemporaryDirectory("trailmill-lock")
        defer { temp.remove() }
        let path = temp.path + "/job.sqlite.lock"
        // The shell opens the file, locks it with flock(1), writes its pid and becomes `sleep` (same pid, fd kept).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9<>\"$0\"; /usr/bin/flock -n 9 || exit 3; echo $$ >&9; exec sleep 60", path]
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }

        // Wait until the child holds the lock and has written its pid.
        var observed: RunLockError?
        for _ in 0..<200 {
            do {
                let lock = try RunLock.acquire(path: path)
                lock.release()
                usleep(20_000)
            } catch {
                observed = error
                // The pid read may still be ours between the child's flock and its echo: wait for the child's.
                if error.holderPID == holder.processIdentifier { break }
                usleep(20_000)
            }
        }
        let error = try #require(observed)
        #expect(error.isAlreadyRunning)
        #expect(error.holderPID == holder.processIdentifier)
        #expect(error.description.contains("already running (pid \(holder.processIdentifier))"))

        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(holder.terminationReason == .uncaughtSignal)
        let lock = try RunLock.acquire(path: path)
        #expect(lock.isHeld)
    }

    @Test func anUnopenableLockFileIsAnotherError() {
        #expect { _ = try RunLock.acquire(path: "/nonexistent-dir/x.lock") } throws: { error in
            guard let error = error as? RunLockError else { return false }
            return !error.isAlreadyRunning && error.errno == ENOENT
                && error.description.contains("cannot open lock file")
        }
    }
}
