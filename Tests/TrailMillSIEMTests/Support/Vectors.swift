import Foundation

/// The shared reference vectors (`../shared/reference/vectors/cef` next to the package; override with
/// `TRAILMILL_VECTORS`) and samples (`../shared/samples`; override with `TRAILMILL_SAMPLES`).
enum Vectors {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // TrailMillSIEMTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    static let folder: String = {
        if let path = ProcessInfo.processInfo.environment["TRAILMILL_VECTORS"] { return path }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/vectors/cef").path
    }()

    static let samples: String = {
        if let path = ProcessInfo.processInfo.environment["TRAILMILL_SAMPLES"] { return path }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/samples").path
    }()

    static var present: Bool { FileManager.default.fileExists(atPath: folder + "/golden.cef") }
    static var samplesPresent: Bool { FileManager.default.fileExists(atPath: samples) }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)) }

    /// The lines of a vector file as raw bytes (split on `\n` only; a final empty line is dropped).
    static func lines(_ name: String) throws -> [[UInt8]] {
        var lines = Array(try data(name)).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    struct Expected {
        var header: [String]
        var ext: [String: String]
    }

    /// `golden_expected.json` / `stress_expected.json`: `[{header: [...], ext: {...}}]`.
    static func expected(_ name: String) throws -> [Expected] {
        let array = try JSONSerialization.jsonObject(with: data(name)) as? [[String: Any]] ?? []
        return array.map { item in
            Expected(header: item["header"] as? [String] ?? [], ext: item["ext"] as? [String: String] ?? [:])
        }
    }

    struct ParserOutput {
        var ok: Bool
        var header: [String]?
        var ext: [String: String]?
        var err: String?
    }

    /// `parser-outputs/<name>.jsonl`, one object per corpus line.
    static func parserOutputs(_ parser: String) throws -> [ParserOutput] {
        try lines("parser-outputs/\(parser).jsonl").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] ?? [:]
            return ParserOutput(
                ok: object["ok"] as? Bool ?? false, header: object["header"] as? [String],
                ext: object["ext"] as? [String: String], err: object["err"] as? String)
        }
    }

    /// `corpus_meta.json`: `[{id, desc, line}]`.
    static func corpusMeta() throws -> [(id: String, desc: String, line: String)] {
        let array = try JSONSerialization.jsonObject(with: data("corpus_meta.json")) as? [[String: Any]] ?? []
        return array.map { ($0["id"] as? String ?? "", $0["desc"] as? String ?? "", $0["line"] as? String ?? "") }
    }

    /// `extra_vectors.json`.
    static func extra() throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: data("extra_vectors.json")) as? [[String: Any]] ?? []
    }
}
