import Foundation
import Testing
@testable import TrailMillSinks
import TrailMillTestSupport

/// Writes a few lines with a writer that is then released without `finish()`.
private func writeAndDrop(_ options: OutputFileOptions, lines: [[UInt8]]) throws {
    let writer = try RotatingFileWriter(options: options)
    try writer.write(lines: lines)
}

@Suite("Atomic publishing")
struct PublishingTests {
    @Test("no file is created when nothing is written", arguments: [false, true])
    func nothingWritten(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, gzip: gzip)
            let writer = try RotatingFileWriter(options: options)
            #expect(try entries(options.directory) == [])
            #expect(try writer.finish() == [])
            #expect(writer.published == [])
            #expect(try entries(options.directory) == [])
            try writeAndDrop(options, lines: [])
            #expect(try entries(options.directory) == [])
        }
    }

    @Test("before finish only the hidden partial file exists", arguments: [false, true])
    func partialBeforeFinish(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, gzip: gzip, maxBytes: 3 << 20)
            let name = gzip ? "out-00001.ndjson.gz" : "out-00001.ndjson"
            let writer = try RotatingFileWriter(options: options)
            try writer.write(Array("first\n".utf8))
            #expect(try entries(options.directory) == [".\(name).partial"])
            // Past the 1 MiB internal buffer, so bytes reach the partial file; still not published.
            try writer.write(lines: variedLines(count: 8_000, maxLength: 400))
            #expect(try entries(options.directory) == [".\(name).partial"])
            #expect(writer.published == [])
            let partial = try bytes(at: options.directory + "/.\(name).partial")
            #expect(partial.count > 0)

            let published = try writer.finish()
            #expect(published.count == 1)
            #expect(try entries(options.directory) == [name])
        }
    }

    @Test("after a rotation the previous file is published and the next one is partial")
    func partialAfterRotation() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, maxBytes: 100)
            let writer = try RotatingFileWriter(options: options)
            try writer.write(lines: (0..<4).map { line($0, length: 30) })
            #expect(try entries(options.directory) == [".out-00002.ndjson.partial", "out-00001.ndjson"])
            #expect(writer.published.map(\.lines) == [3])
            // The published file is complete and final already.
            #expect(try content(at: writer.published[0].path) == Array((0..<3).map { line($0, length: 30) }.joined()))
            _ = try writer.finish()
            #expect(try entries(options.directory) == ["out-00001.ndjson", "out-00002.ndjson"])
        }
    }

    @Test("abandon removes the partial file and publishes nothing", arguments: [false, true])
    func abandonRemovesPartial(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, gzip: gzip)
            let writer = try RotatingFileWriter(options: options)
            try writer.write(lines: variedLines(count: 8_000, maxLength: 400))
            #expect(try entries(options.directory).count == 1)
            writer.abandon()
            #expect(try entries(options.directory) == [])
            #expect(try writer.finish() == [])
            #expect(try entries(options.directory) == [])
            writer.abandon()  // twice is harmless
        }
    }

    @Test("abandon keeps the files already published by rotation")
    func abandonAfterRotation() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, maxBytes: 100)
            let writer = try RotatingFileWriter(options: options)
            try writer.write(lines: (0..<5).map { line($0, length: 30) })
            writer.abandon()
            #expect(try entries(options.directory) == ["out-00001.ndjson"])
            #expect(try writer.finish().map(\.lines) == [3])
        }
    }

    @Test("the writer can go on after abandon, with the next sequence number")
    func writeAfterAbandon() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory)
            let writer = try RotatingFileWriter(options: options)
            try writer.write(Array("dropped\n".utf8))
            writer.abandon()
            try writer.write(Array("kept\n".utf8))
            let published = try writer.finish()
            #expect(published.map(\.lines) == [1])
            #expect(try content(at: published[0].path) == Array("kept\n".utf8))
            #expect(try entries(options.directory).count == 1)
        }
    }

    @Test("releasing the writer without finish removes the partial file", arguments: [false, true])
    func deinitRemovesPartial(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, gzip: gzip, maxBytes: 1 << 20)
            // ~3 MB over 1 MiB files: two published, the third partial until the writer goes away.
            try writeAndDrop(options, lines: variedLines(count: 15_000, maxLength: 400))
            let names = try entries(options.directory)
            let suffix = gzip ? ".ndjson.gz" : ".ndjson"
            #expect(names == ["out-00001\(suffix)", "out-00002\(suffix)"])
            #expect(!names.contains { $0.hasPrefix(".") })
        }
    }

    @Test("an existing file with the next name is never overwritten; the sequence skips it", arguments: [false, true])
    func skipsExistingNames(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, gzip: gzip, maxBytes: 100)
            let suffix = gzip ? ".ndjson.gz" : ".ndjson"
            try directory.write("out/out-00001\(suffix)", text: "first owner\n")
            try directory.write("out/out-00003\(suffix)", text: "third owner\n")
            // A directory and a dangling symbolic link count as taken too.
            try FileManager.default.createDirectory(
                atPath: options.directory + "/out-00005\(suffix)", withIntermediateDirectories: false)
            try FileManager.default.createSymbolicLink(
                atPath: options.directory + "/out-00006\(suffix)", withDestinationPath: "nowhere")

            let lines = (0..<9).map { line($0, length: 30) }
            let writer = try RotatingFileWriter(options: options)
            try writer.write(lines: lines)
            let published = try writer.finish()
            #expect(published.map { URL(fileURLWithPath: $0.path).lastPathComponent }
                == ["out-00002\(suffix)", "out-00004\(suffix)", "out-00007\(suffix)"])
            #expect(published.map(\.lines) == [3, 3, 3])
            #expect(try directory.read("out/out-00001\(suffix)") == Array("first owner\n".utf8))
            #expect(try directory.read("out/out-00003\(suffix)") == Array("third owner\n".utf8))
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: options.directory + "/out-00006\(suffix)")
                == "nowhere")
            for (index, file) in published.enumerated() {
                #expect(try content(at: file.path) == Array(lines[index * 3..<index * 3 + 3].joined()))
            }
        }
    }

    @Test("a file that takes the name while the writer is writing is not overwritten")
    func nameTakenDuringWrite() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory)
            let writer = try RotatingFileWriter(options: options)
            try writer.write(Array("ours\n".utf8))
            // Someone else publishes out-00001 after our partial file was opened.
            try directory.write("out/out-00001.ndjson", text: "theirs\n")
            let published = try writer.finish()
            #expect(try directory.read("out/out-00001.ndjson") == Array("theirs\n".utf8))
            #expect(published.count == 1)
            if let file = published.first {
                #expect(file.path != options.directory + "/out-00001.ndjson")
                #expect(try content(at: file.path) == Array("ours\n".utf8))
            }
            #expect(!(try entries(options.directory)).contains { $0.hasSuffix(".partial") })
        }
    }

    @Test("a stale partial file from an earlier crash is replaced")
    func stalePartial() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory)
            try directory.write("out/.out-00001.ndjson.partial", text: "left over by a crash\n")
            let writer = try RotatingFileWriter(options: options)
            try writer.write(Array("fresh\n".utf8))
            let published = try writer.finish()
            #expect(published.map(\.path) == [options.directory + "/out-00001.ndjson"])
            #expect(try content(at: published[0].path) == Array("fresh\n".utf8))
            #expect(try entries(options.directory) == ["out-00001.ndjson"])
        }
    }

    @Test("the output directory is created with its parents; existing directories are fine")
    func createsDirectories() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory, "a/b/c/d")
            var isDirectory: ObjCBool = false
            _ = try RotatingFileWriter(options: options)
            #expect(FileManager.default.fileExists(atPath: options.directory, isDirectory: &isDirectory))
            #expect(isDirectory.boolValue)
            // Again, over existing folders, with doubled and trailing slashes.
            var messy = options
            messy.directory = directory.path + "//a/b//c/d/"
            let writer = try RotatingFileWriter(options: messy)
            try writer.write(Array("x\n".utf8))
            let published = try writer.finish()
            #expect(try content(at: published[0].path) == Array("x\n".utf8))
            #expect(try entries(options.directory) == ["out-00001.ndjson"])
        }
    }

    @Test("each gzip file is a complete gzip stream", .enabled(if: systemGzip != nil, "no gzip binary"))
    func gzipFilesAreComplete() throws {
        try withTemporaryDirectory { directory in
            let lines = variedLines(count: 12_000, maxLength: 400, seed: 5)
            let writer = try RotatingFileWriter(options: outputOptions(directory, gzip: true, maxBytes: 700_000))
            try writer.write(lines: lines)
            let published = try writer.finish()
            #expect(published.count >= 3)
            var all: [UInt8] = []
            for file in published {
                #expect(try runGzip(["-t", file.path]).status == 0)
                // One member per file: the bytes decompress as a whole, and concatenated they give every line.
                let output = try runGzip(["-dc", file.path])
                #expect(output.status == 0)
                #expect(output.output.count == file.bytes)
                all += output.output
            }
            #expect(all == Array(lines.joined()))
        }
    }
}
