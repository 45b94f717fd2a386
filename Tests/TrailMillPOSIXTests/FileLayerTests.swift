import Foundation
import Testing
import TrailMillPOSIX
import TrailMillTestSupport

/// The POSIX file layer against real files.
@Suite struct FileLayerTests {
    @Test func writesReadBackExactlyInChunksAndAtOffsets() throws {
        let directory = try TemporaryDirectory("posix")
        defer { directory.remove() }
        let path = directory.path + "/data"
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let out = try FileDescriptor.createExclusive(path)
        try out.write(bytes)
        try out.sync()
        try out.close()
        try out.close()  // twice is harmless
        #expect(try FileSystem.readFile(path) == bytes)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644 & ~0o022 || mode == 0o644)
        var chunks: [UInt8] = []
        try FileDescriptor.openForReading(path).forEachChunk(chunkSize: 4096) { chunks += $0 }
        #expect(chunks == bytes)
        var window = [UInt8](repeating: 0, count: 10)
        let read = try window.withUnsafeMutableBytes { (raw) throws(SystemCallError) -> Int in
            try FileDescriptor.openForReading(path).read(at: 299_995, into: raw)
        }
        #expect(read == 5 && Array(window.prefix(5)) == Array(bytes.suffix(5)))
        let status = try FileSystem.status(path)
        #expect(status.size == bytes.count && status.isRegularFile)
    }

    @Test func errorsNameTheCallThePathAndTheReason() throws {
        let directory = try TemporaryDirectory("posix")
        defer { directory.remove() }
        let missing = directory.path + "/missing"
        #expect(throws: SystemCallError.self) { try FileDescriptor.openForReading(missing) }
        do {
            _ = try FileSystem.readFile(missing)
            Issue.record("read a missing file")
        } catch {
            #expect(error.isNotFound)
            #expect(error.description == "stat \(missing): No such file or directory")
        }
        do {
            _ = try FileSystem.readFile(directory.path)
            Issue.record("read a directory as a file")
        } catch {
            #expect(error.isNotRegularFile)
        }
        let path = try directory.write("taken", text: "x")
        do {
            _ = try FileDescriptor.createExclusive(path)
            Issue.record("created over an existing file")
        } catch {
            #expect(error.isAlreadyExists && error.operation == "create")
        }
    }

    @Test func moveNeverReplacesAnExistingName() throws {
        let directory = try TemporaryDirectory("posix")
        defer { directory.remove() }
        let staged = try directory.write("staged", text: "new")
        let final = try directory.write("final", text: "old")
        #expect(throws: SystemCallError.self) { try FileSystem.moveWithoutReplacing(staged, to: final) }
        #expect(try String(contentsOfFile: final, encoding: .utf8) == "old")
        let other = directory.path + "/other"
        try FileSystem.moveWithoutReplacing(staged, to: other)
        try FileSystem.syncDirectory(directory.path)
        #expect(!FileSystem.exists(staged) && FileSystem.exists(other))
    }

    @Test func makeDirectoriesRefusesAFileInTheWay() throws {
        let directory = try TemporaryDirectory("posix")
        defer { directory.remove() }
        try FileSystem.makeDirectories(directory.path + "/a/b/c")
        try FileSystem.makeDirectories(directory.path + "/a/b/c")
        let file = try directory.write("a/file", text: "x")
        #expect(throws: SystemCallError.self) { try FileSystem.makeDirectories(file + "/d") }
    }

    @Test func anAnonymousTemporaryFileLeavesNoName() throws {
        let directory = try TemporaryDirectory("posix")
        defer { directory.remove() }
        let file = try FileDescriptor.anonymousTemporary(in: directory.path)
        try file.write(Array("spilled".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        var back = [UInt8](repeating: 0, count: 7)
        _ = try back.withUnsafeMutableBytes { (raw) throws(SystemCallError) -> Int in try file.read(at: 0, into: raw) }
        #expect(back == Array("spilled".utf8))
    }

    @Test func anExclusiveLockIsRefusedToASecondOpen() throws {
        let directory = try TemporaryDirectory("posix")
        defer { directory.remove() }
        let path = directory.path + "/lock"
        let first = try FileDescriptor.openOrCreate(path)
        #expect(try first.tryLockExclusive())
        let second = try FileDescriptor.openOrCreate(path)
        #expect(try !second.tryLockExclusive())
        try first.close()
        #expect(try second.tryLockExclusive())
    }
}
