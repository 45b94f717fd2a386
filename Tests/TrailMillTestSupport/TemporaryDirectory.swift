public import Foundation
import TrailMillCompression

/// A fresh directory under the system temp folder, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    /// Absolute path.
    public let path: String

    /// Creates a uniquely named directory.
    public init(_ label: String = "trailmill") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    /// `path/relative`.
    public func url(_ relative: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(relative) }

    /// Writes bytes to `relative`, creating parent folders.
    @discardableResult
    public func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let target = url(relative)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
        return target.path
    }

    /// Writes UTF-8 text to `relative`.
    @discardableResult
    public func write(_ relative: String, text: String) throws -> String {
        try write(relative, bytes: Array(text.utf8))
    }

    /// Writes `text` gzip-compressed to `relative`.
    @discardableResult
    public func writeGzip(_ relative: String, text: String) throws -> String {
        try write(relative, bytes: try Gzip.compress(Array(text.utf8)))
    }

    /// Reads a file's bytes.
    public func read(_ relative: String) throws -> [UInt8] { Array(try Data(contentsOf: url(relative))) }

    /// Deletes the directory and its contents.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
