import Foundation
import Testing
import TrailMillSinks
import TrailMillTestSupport

@Suite("Lines come back byte-identical")
struct RoundTripTests {
    @Test("every line is read back exactly, plain and gzip", arguments: [false, true])
    func roundTrip(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            // ~3 MB: crosses the writer's 1 MiB internal flush several times, inside one file.
            let lines = variedLines(count: 12_000, maxLength: 500, seed: gzip ? 2 : 3)
            let total = lines.reduce(0) { $0 + $1.count }
            let writer = try RotatingFileWriter(options: outputOptions(directory, gzip: gzip))
            try writer.write(lines: lines)
            let published = try writer.finish()

            let name = gzip ? "out-00001.ndjson.gz" : "out-00001.ndjson"
            let path = directory.url("out/\(name)").path
            #expect(published == [PublishedFile(path: path, lines: lines.count, bytes: total)])
            #expect(writer.published == published)
            #expect(try entries(directory.url("out").path) == [name])
            let read = try content(at: path)
            #expect(read.count == total)
            #expect(read == Array(lines.joined()))
            #expect(splitLines(read) == lines)
            if gzip {
                #expect(try bytes(at: path).count < total)
            }
        }
    }

    @Test("gzip output is what the system gzip -dc prints", .enabled(if: systemGzip != nil, "no gzip binary"))
    func systemGzipAgrees() throws {
        try withTemporaryDirectory { directory in
            let lines = variedLines(count: 3_000, maxLength: 900, seed: 9)
            var options = outputOptions(directory, gzip: true)
            options.gzipLevel = 1
            let writer = try RotatingFileWriter(options: options)
            try writer.write(lines: lines)
            let published = try writer.finish()
            #expect(published.count == 1)
            let result = try runGzip(["-dc", published[0].path])
            #expect(result.status == 0)
            #expect(result.output == Array(lines.joined()))
        }
    }

    @Test("one-byte lines and empty content lines survive")
    func tinyLines() throws {
        try withTemporaryDirectory { directory in
            let lines: [[UInt8]] = [[0x0A], [0x0A], Array("x\n".utf8), [0x0A]]
            let writer = try RotatingFileWriter(options: outputOptions(directory))
            try writer.write(lines: lines)
            let published = try writer.finish()
            #expect(published.map(\.lines) == [4])
            #expect(published.map(\.bytes) == [5])
            #expect(try content(at: published[0].path) == Array("\n\nx\n\n".utf8))
        }
    }

    @Test("a single line much larger than the internal buffer is written whole")
    func hugeLine() throws {
        try withTemporaryDirectory { directory in
            let big = line(1, length: 5_000_001)
            for gzip in [false, true] {
                var options = outputOptions(directory, gzip ? "gz" : "plain", gzip: gzip)
                options.maxBytesPerFile = 10 << 20
                let writer = try RotatingFileWriter(options: options)
                try writer.write(Array("first\n".utf8))
                try writer.write(big)
                try writer.write(Array("last\n".utf8))
                let published = try writer.finish()
                #expect(published.map(\.lines) == [3])
                #expect(try content(at: published[0].path) == Array("first\n".utf8) + big + Array("last\n".utf8))
            }
        }
    }

    @Test("finish is idempotent and returns every file published so far")
    func finishTwice() throws {
        try withTemporaryDirectory { directory in
            let writer = try RotatingFileWriter(options: outputOptions(directory, maxBytes: 10))
            try writer.write(Array("0123456789\n".utf8))
            try writer.write(Array("abc\n".utf8))
            let first = try writer.finish()
            let second = try writer.finish()
            #expect(first.map(\.lines) == [1, 1])
            #expect(second == first)
            #expect(try entries(directory.url("out").path) == ["out-00001.ndjson", "out-00002.ndjson"])
        }
    }

    @Test("defaults of OutputFileOptions")
    func optionDefaults() {
        let options = OutputFileOptions(directory: "/x", baseName: "b", fileExtension: "cef")
        #expect(options.directory == "/x")
        #expect(options.baseName == "b")
        #expect(options.fileExtension == "cef")
        #expect(options.gzip == false)
        #expect(options.gzipLevel == 6)
        #expect(options.maxBytesPerFile == 256 << 20)
    }

    @Test("PublishedFile round-trips through JSON")
    func publishedFileCodable() throws {
        let file = PublishedFile(path: "/o/out-00001.ndjson", lines: 3, bytes: 42)
        let decoded = try JSONDecoder().decode(PublishedFile.self, from: JSONEncoder().encode(file))
        #expect(decoded == file)
    }
}
