import Foundation
import Testing
import TrailMillCompression
import TrailMillTestSupport

/// The system `gzip` binary, when there is one.
private let systemGzip: String? = ["/bin/gzip", "/usr/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Runs `gzip arguments…` with stdout to `output`; returns the exit status.
private func runGzip(_ arguments: [String], to output: URL) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: systemGzip ?? "/usr/bin/gzip")
    process.arguments = arguments
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    process.standardOutput = handle
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

@Suite(
    "Cross-check with the system gzip",
    .enabled(if: systemGzip != nil, "no gzip binary at /bin/gzip or /usr/bin/gzip; skipping the cross-check")
)
struct SystemGzipTests {
    @Test("files made by gzip -c decompress, also concatenated")
    func gzipMadeFiles() throws {
        try withTemporaryDirectory { directory in
            let text = textBytes(1_000_000)
            let random = randomBytes(300_000)
            let textPath = try directory.write("text.json", bytes: text)
            let randomPath = try directory.write("random.bin", bytes: random)
            for level in ["-1", "-6", "-9"] {
                let output = directory.url("text\(level).json.gz")
                #expect(try runGzip(["-c", "-n", level, textPath], to: output) == 0)
                let result = try decompressFile(output.path)
                #expect(result.encoding == .gzip)
                #expect(result.bytes == text)
            }
            // gzip with the original name in the header (FNAME), as `gzip -c` writes by default.
            let named = directory.url("random.bin.gz")
            #expect(try runGzip(["-c", randomPath], to: named) == 0)
            #expect(try decompressFile(named.path).bytes == random)

            // `cat a.gz b.gz`
            let first = try directory.read("text-6.json.gz")
            let second = try directory.read("random.bin.gz")
            let catPath = try directory.write("cat.json.gz", bytes: first + second)
            #expect(try decompressFile(catPath, chunkSize: 4096).bytes == text + random)
        }
    }

    @Test("our compressor's output is accepted by gzip -dc", arguments: [Int32(1), 6, 9])
    func gzipAcceptsOurOutput(level: Int32) throws {
        try withTemporaryDirectory { directory in
            let original = textBytes(800_000) + randomBytes(100_000)
            let compressed = try Gzip.compress(original, level: level)
            let path = try directory.write("ours.json.gz", bytes: compressed + (try Gzip.compress(Array(original.prefix(10)))))
            let output = directory.url("ours.json")
            #expect(try runGzip(["-dc", path], to: output) == 0)
            #expect(try directory.read("ours.json") == original + Array(original.prefix(10)))
        }
    }
}
