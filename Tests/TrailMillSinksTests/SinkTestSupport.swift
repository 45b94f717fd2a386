import Foundation
import Testing
import TrailMillCompression
import TrailMillSinks
import TrailMillTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory(_ body: (TemporaryDirectory) throws -> Void) throws {
    let directory = try TemporaryDirectory("trailmill-sinks")
    defer { directory.remove() }
    try body(directory)
}

/// Options for `<directory>/<relative>`, base name `out`, extension `ndjson`.
func outputOptions(
    _ directory: TemporaryDirectory, _ relative: String = "out", gzip: Bool = false, maxBytes: Int = 256 << 20
) -> OutputFileOptions {
    var options = OutputFileOptions(directory: directory.url(relative).path, baseName: "out", fileExtension: "ndjson")
    options.gzip = gzip
    options.maxBytesPerFile = maxBytes
    return options
}

extension RotatingFileWriter {
    /// Writes one line given as bytes (which must end in `\n`).
    func write(_ line: [UInt8]) throws(SinkError) {
        let failure: SinkError? = line.withUnsafeBytes { raw in
            do throws(SinkError) { try writeLine(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Writes every line in order.
    func write(lines: [[UInt8]]) throws(SinkError) {
        for line in lines { try write(line) }
    }
}

/// Every entry of a directory (hidden ones too), sorted.
func entries(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}

/// A file's bytes.
func bytes(at path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

/// A file's content, gunzipped when its name ends in `.gz`.
func content(at path: String) throws -> [UInt8] {
    let raw = try bytes(at: path)
    return path.hasSuffix(".gz") ? try Gzip.decompress(raw) : raw
}

/// Splits bytes into lines, each keeping its `\n`.
func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var start = 0
    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
        lines.append(Array(bytes[start...index]))
        start = index + 1
    }
    if start < bytes.count { lines.append(Array(bytes[start...])) }
    return lines
}

/// A line of exactly `length` bytes (including the final `\n`), with a recognisable prefix.
func line(_ number: Int, length: Int) -> [UInt8] {
    precondition(length >= 1)
    var bytes = Array("{\"n\":\(number)}".utf8)
    if bytes.count > length - 1 { bytes = Array(bytes.prefix(length - 1)) }
    while bytes.count < length - 1 { bytes.append(UInt8(ascii: "a") + UInt8(bytes.count % 26)) }
    bytes.append(UInt8(ascii: "\n"))
    return bytes
}

/// Deterministic lines of varied length (1...maxLength bytes) with arbitrary non-newline bytes, including
/// multi-byte UTF-8, `\r`, tabs, NUL and bytes that are not valid UTF-8.
func variedLines(count: Int, maxLength: Int, seed: UInt64 = 1) -> [[UInt8]] {
    var state = seed
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let specials: [[UInt8]] = [
        Array("é".utf8), Array("€".utf8), Array("𝄞".utf8), [0x0D], [0x09], [0x00], [0xFF], [0xC3], Array("\\n".utf8),
    ]
    return (0..<count).map { _ in
        let length = 1 + Int(next() % UInt64(maxLength))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        while bytes.count < length - 1 {
            let roll = next()
            if roll % 16 == 0 {
                bytes.append(contentsOf: specials[Int(roll / 16 % UInt64(specials.count))].prefix(length - 1 - bytes.count))
            } else {
                bytes.append(UInt8(32 + roll / 16 % 95))
            }
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

/// The system `gzip`, when there is one.
let systemGzip: String? = ["/bin/gzip", "/usr/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Runs `gzip arguments…`; returns the exit status and standard output.
func runGzip(_ arguments: [String]) throws -> (status: Int32, output: [UInt8]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: systemGzip ?? "/usr/bin/gzip")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, Array(output))
}

/// `errno` values, spelled out for the expectations.
enum Errno {
    static let notDirectory = ENOTDIR
    static let exists = EEXIST
    static let isDirectory = EISDIR
    static let accessDenied = EACCES
}

/// Whether the tests run as root (permission bits are then not enforced).
let runningAsRoot = getuid() == 0
