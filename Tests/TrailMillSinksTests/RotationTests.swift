import Foundation
import Testing
import TrailMillSinks
import TrailMillTestSupport

/// The expected split: a new file starts when the next line would pass the limit and the current file has a line.
private func expectedGroups(_ lengths: [Int], limit: Int) -> [[Int]] {
    var groups: [[Int]] = []
    var current: [Int] = []
    var size = 0
    for length in lengths {
        if !current.isEmpty && size + length > limit {
            groups.append(current)
            current = []
            size = 0
        }
        current.append(length)
        size += length
    }
    if !current.isEmpty { groups.append(current) }
    return groups
}

@Suite("Rotation by maxBytesPerFile")
struct RotationTests {
    @Test("equal lines fill each file up to the limit", arguments: [false, true])
    func equalLines(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            // 10 lines of 30 bytes, limit 100: 3 + 3 + 3 + 1.
            let lines = (0..<10).map { line($0, length: 30) }
            let writer = try RotatingFileWriter(options: outputOptions(directory, gzip: gzip, maxBytes: 100))
            try writer.write(lines: lines)
            let published = try writer.finish()
            let suffix = gzip ? ".ndjson.gz" : ".ndjson"
            let names = (1...4).map { "out-0000\($0)\(suffix)" }
            #expect(published.map(\.path) == names.map { directory.url("out/\($0)").path })
            #expect(published.map(\.lines) == [3, 3, 3, 1])
            #expect(published.map(\.bytes) == [90, 90, 90, 30])
            #expect(try entries(directory.url("out").path) == names)
            for (index, file) in published.enumerated() {
                let start = index * 3
                #expect(try content(at: file.path) == Array(lines[start..<min(start + 3, 10)].joined()))
            }
        }
    }

    @Test("a file may reach the limit exactly")
    func exactLimit() throws {
        try withTemporaryDirectory { directory in
            let lines = (0..<9).map { line($0, length: 25) }
            let writer = try RotatingFileWriter(options: outputOptions(directory, maxBytes: 100))
            try writer.write(lines: lines)
            let published = try writer.finish()
            #expect(published.map(\.lines) == [4, 4, 1])
            #expect(published.map(\.bytes) == [100, 100, 25])
        }
    }

    @Test("a line larger than the limit gets a file of its own", arguments: [false, true])
    func oversizedLine(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            let lines = [line(0, length: 30), line(1, length: 250), line(2, length: 30), line(3, length: 30),
                         line(4, length: 101), line(5, length: 100)]
            let writer = try RotatingFileWriter(options: outputOptions(directory, gzip: gzip, maxBytes: 100))
            try writer.write(lines: lines)
            let published = try writer.finish()
            #expect(published.map(\.lines) == [1, 1, 2, 1, 1])
            #expect(published.map(\.bytes) == [30, 250, 60, 101, 100])
            let expected: [[[UInt8]]] = [[lines[0]], [lines[1]], [lines[2], lines[3]], [lines[4]], [lines[5]]]
            for (file, fileLines) in zip(published, expected) {
                #expect(try content(at: file.path) == Array(fileLines.joined()))
            }
        }
    }

    @Test("the very first line may be larger than the limit")
    func oversizedFirstLine() throws {
        try withTemporaryDirectory { directory in
            let writer = try RotatingFileWriter(options: outputOptions(directory, maxBytes: 10))
            try writer.write(line(0, length: 50))
            try writer.write(line(1, length: 5))
            try writer.write(line(2, length: 5))
            try writer.write(line(3, length: 5))
            let published = try writer.finish()
            #expect(published.map(\.lines) == [1, 2, 1])
            #expect(published.map(\.bytes) == [50, 10, 5])
        }
    }

    @Test("varied lines over many files: boundaries on lines, counts as modelled", arguments: [false, true])
    func variedRotation(gzip: Bool) throws {
        try withTemporaryDirectory { directory in
            // ~3.3 MB with a 400 kB limit: files end between internal 1 MiB flushes and at them.
            let lines = variedLines(count: 15_000, maxLength: 440, seed: gzip ? 11 : 12)
            let limit = 400_000
            let writer = try RotatingFileWriter(options: outputOptions(directory, gzip: gzip, maxBytes: limit))
            try writer.write(lines: lines)
            let published = try writer.finish()

            let groups = expectedGroups(lines.map(\.count), limit: limit)
            #expect(groups.count > 5)
            #expect(published.map(\.lines) == groups.map(\.count))
            #expect(published.map(\.bytes) == groups.map { $0.reduce(0, +) })
            let suffix = gzip ? ".ndjson.gz" : ".ndjson"
            let names = published.indices.map { "out-" + String(format: "%05d", $0 + 1) + suffix }
            #expect(published.map { URL(fileURLWithPath: $0.path).lastPathComponent } == names)
            #expect(try entries(directory.url("out").path) == names)

            var next = 0
            for file in published {
                let read = try content(at: file.path)
                #expect(read.count <= limit)
                #expect(read.last == UInt8(ascii: "\n"))
                let fileLines = splitLines(read)
                #expect(fileLines.count == file.lines)
                #expect(Array(fileLines) == Array(lines[next..<next + fileLines.count]))
                next += fileLines.count
            }
            #expect(next == lines.count)
        }
    }

    @Test("sequence numbers are zero-padded to five digits")
    func paddedNames() throws {
        try withTemporaryDirectory { directory in
            let options = outputOptions(directory)
            // Occupy 00001…00009 so the writer starts at 00010: the padding is to five digits, not fixed text.
            try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
            for index in 1...9 { _ = try directory.write("out/out-0000\(index).ndjson", text: "x\n") }
            let writer = try RotatingFileWriter(options: options)
            try writer.write(Array("a\n".utf8))
            let published = try writer.finish()
            #expect(published.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["out-00010.ndjson"])
        }
    }

    @Test("the file extension is used as given; .gz is added only with gzip")
    func extensions() throws {
        try withTemporaryDirectory { directory in
            for (ext, gzip, expected) in [("cef", false, "s-00001.cef"), ("leef", true, "s-00001.leef.gz")] {
                var options = OutputFileOptions(directory: directory.url("e").path, baseName: "s", fileExtension: ext)
                options.gzip = gzip
                let writer = try RotatingFileWriter(options: options)
                try writer.write(Array("x\n".utf8))
                let published = try writer.finish()
                #expect(published.map(\.path) == [directory.url("e/\(expected)").path])
            }
        }
    }
}
