import Foundation
import Testing
@testable import TrailMillSinks
import TrailMillTestSupport

@Suite("Failures")
struct FailureTests {
    @Test("an output directory under a regular file throws SinkError with the path and errno")
    func parentIsFile() throws {
        try withTemporaryDirectory { directory in
            let file = try directory.write("file", text: "not a folder\n")
            let target = file + "/out/deeper"
            var options = OutputFileOptions(directory: target, baseName: "out", fileExtension: "ndjson")
            options.gzip = true
            let error = #expect(throws: SinkError.self) { try RotatingFileWriter(options: options) }
            // The path is the regular file in the way.
            #expect(error?.path == file)
            #expect(error?.systemErrno == Errno.notDirectory)
            #expect(error?.operation == "mkdir")
            #expect(error?.description == "mkdir \(file): \(error?.message ?? "")")
            #expect(error?.message.isEmpty == false)
            #expect(try directory.read("file") == Array("not a folder\n".utf8))
        }
    }

    @Test("an output directory that is a regular file throws at creation")
    func targetIsFile() throws {
        try withTemporaryDirectory { directory in
            let file = try directory.write("out", text: "a file\n")
            let options = OutputFileOptions(directory: file, baseName: "out", fileExtension: "ndjson")
            let error = #expect(throws: SinkError.self) { try RotatingFileWriter(options: options) }
            #expect(error?.path == file)
            #expect(error?.systemErrno == Errno.notDirectory)
            #expect(try directory.read("out") == Array("a file\n".utf8))
        }
    }

    @Test(
        "a read-only output directory throws on the first line",
        .enabled(if: !runningAsRoot, "root ignores permission bits")
    )
    func readOnlyDirectory() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory)
            let writer = try RotatingFileWriter(options: options)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: options.directory)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: options.directory) }
            let error = #expect(throws: SinkError.self) { try writer.write(Array("x\n".utf8)) }
            #expect(error?.path == options.directory + "/.out-00001.ndjson.partial")
            #expect(error?.systemErrno == Errno.accessDenied)
            #expect(try writer.finish() == [])
        }
    }

    @Test("a failed publish removes the partial file and publishes nothing")
    func failedRename() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory)
            let writer = try RotatingFileWriter(options: options)
            try writer.write(Array("x\n".utf8))
            // The temporary name cannot be moved onto a non-empty directory.
            try directory.write("out/out-00001.ndjson/blocker", text: "")
            // …unless the writer picks another name, which is fine too: either way nothing partial stays behind.
            let result: Result<[PublishedFile], SinkError>
            do throws(SinkError) { result = .success(try writer.finish()) } catch { result = .failure(error) }
            switch result {
            case .success(let published):
                #expect(published.count == 1)
                #expect(!published.contains { $0.path == options.directory + "/out-00001.ndjson" })
            case .failure(let error):
                #expect(error.path.hasPrefix(options.directory))
                #expect(error.systemErrno != nil)
                #expect(writer.published == [])
            }
            #expect(try entries(options.directory + "/out-00001.ndjson") == ["blocker"])
            #expect(!(try entries(options.directory)).contains { $0.hasSuffix(".partial") })
        }
    }

    @Test("an invalid gzip level throws on the first line and leaves nothing behind")
    func invalidGzipLevel() throws {
        try withTemporaryDirectory { directory in
            var options = outputOptions(directory, gzip: true)
            options.gzipLevel = 12
            let writer = try RotatingFileWriter(options: options)
            let error = #expect(throws: SinkError.self) { try writer.write(Array("x\n".utf8)) }
            #expect(error?.operation == "gzip")
            #expect(try writer.finish() == [])
            #expect(try entries(options.directory) == [])
        }
    }

    @Test("SinkError describes the operation and the path")
    func sinkErrorDescription() {
        let error = SinkError(path: "/o/x", operation: "write", systemErrno: 28, message: "No space left on device")
        #expect(error.description == "write /o/x: No space left on device")
        #expect(SinkError(path: "p", operation: "gzip", message: "m").systemErrno == nil)
    }

    // ENOSPC is not tested: a tiny tmpfs needs mount privileges, and /dev/full cannot be the target of the
    // writer's O_EXCL create in a directory it owns.
}
