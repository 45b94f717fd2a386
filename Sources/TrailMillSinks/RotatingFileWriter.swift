import TrailMillCompression
import TrailMillPOSIX

/// A published output file.
public struct PublishedFile: Sendable, Hashable, Codable {
    /// Absolute path.
    public var path: String
    /// Lines (events) in the file.
    public var lines: Int
    /// Uncompressed bytes of content.
    public var bytes: Int

    /// Creates a value.
    public init(path: String, lines: Int, bytes: Int) {
        self.path = path
        self.lines = lines
        self.bytes = bytes
    }
}

/// Where and how to write line-oriented output files.
public struct OutputFileOptions: Sendable, Hashable {
    /// Output directory (created if missing).
    public var directory: String
    /// First part of every file name, e.g. `cloudtrail-20260115T020000Z-1a2b`.
    public var baseName: String
    /// File extension without the dot (`ndjson`, `cef`, `leef`); `.gz` is added when `gzip` is set.
    public var fileExtension: String
    /// gzip each file.
    public var gzip: Bool = false
    /// zlib level when gzipping.
    public var gzipLevel: Int32 = 6
    /// Start a new file once this many uncompressed bytes are written (files end on a line boundary).
    public var maxBytesPerFile: Int = 256 << 20
    /// Keep every finished file under its hidden temporary name until ``RotatingFileWriter/publishHeld()``, so a
    /// run that fails or is stopped publishes none of its files (`trailmill export`). Held files stay open and
    /// `flock`ed, which tells a later writer's ``RotatingFileWriter/removeStalePartials(in:prefix:)`` that they
    /// are still in use.
    public var holdUntilPublished = false

    /// Creates options.
    public init(directory: String, baseName: String, fileExtension: String) {
        self.directory = directory
        self.baseName = baseName
        self.fileExtension = fileExtension
    }
}

/// Writes lines into size-rotated files that readers only ever see complete.
///
/// Each file is written under a hidden temporary name (`.<name>.partial`) in the output directory, then fsynced,
/// renamed to `<baseName>-<sequence>.<ext>[.gz]`, and the directory fsynced. `abandon()` (or an error) removes the
/// temporary file, so nothing partial is ever published. With ``OutputFileOptions/holdUntilPublished`` the
/// finished files wait under their temporary names until ``publishHeld()`` names them all at once.
public final class RotatingFileWriter {
    /// Settings.
    public let options: OutputFileOptions
    /// Files published so far, in order.
    public private(set) var published: [PublishedFile] = []

    private var file: FileDescriptor?
    private var temporaryPath = ""
    private var finalPath = ""
    private var sequence = 0
    private var buffer: [UInt8] = []
    private var compressed: [UInt8] = []
    private var compressor: GzipCompressor?
    private var fileLines = 0
    private var fileBytes = 0
    /// Finished files waiting for ``publishHeld()`` (hold mode), still open and locked.
    private var held: [(file: FileDescriptor, temporaryPath: String, published: PublishedFile)] = []
    private static let flushThreshold = 1 << 20

    /// Creates the writer (and the output directory). No file is created until the first line.
    public init(options: OutputFileOptions) throws(SinkError) {
        self.options = options
        do { try FileSystem.makeDirectories(options.directory) } catch { throw SinkError(error) }
        buffer.reserveCapacity(RotatingFileWriter.flushThreshold + (64 << 10))
    }

    deinit { abandon() }

    /// Appends one complete line (including its `\n`).
    public func writeLine(_ line: UnsafeRawBufferPointer) throws(SinkError) {
        if file != nil && fileBytes + line.count > options.maxBytesPerFile && fileLines > 0 {
            try closeCurrent()
        }
        if file == nil { try openNext() }
        buffer.append(contentsOf: line)
        fileLines += 1
        fileBytes += line.count
        if buffer.count >= RotatingFileWriter.flushThreshold { try flush() }
    }

    /// Publishes the current file (if it has any line) and returns every file published by this writer.
    @discardableResult
    public func finish() throws(SinkError) -> [PublishedFile] {
        if file != nil { try closeCurrent() }
        return published
    }

    /// Drops the unpublished current file, if any, and every held file.
    public func abandon() {
        for item in held { FileSystem.removeFile(item.temporaryPath) }
        held = []
        guard file != nil else { return }
        file = nil
        FileSystem.removeFile(temporaryPath)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Hold mode: names every held file (never replacing an existing name), fsyncs the directory and returns
    /// every file published by this writer. Call after ``finish()``.
    @discardableResult
    public func publishHeld() throws(SinkError) -> [PublishedFile] {
        if file != nil { try closeCurrent() }
        let waiting = held
        held = []
        do throws(SystemCallError) {
            for item in waiting {
                var final = item.published
                while true {
                    do throws(SystemCallError) {
                        try FileSystem.moveWithoutReplacing(item.temporaryPath, to: final.path)
                        break
                    } catch where error.isAlreadyExists {
                        final.path = options.directory + "/" + nextFreeName()
                    }
                }
                try item.file.close()
                published.append(final)
            }
            if !waiting.isEmpty { try FileSystem.syncDirectory(options.directory) }
        } catch {
            for item in waiting { FileSystem.removeFile(item.temporaryPath) }
            throw SinkError(error)
        }
        return published
    }

    /// Removes hidden `.<prefix>….partial` files in `directory` that no live writer holds (an earlier run was
    /// killed before it published); returns how many. A writer in hold mode keeps its files locked while it runs.
    @discardableResult
    public static func removeStalePartials(in directory: String, prefix: String) -> Int {
        guard let names = try? FileSystem.entries(in: directory) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix("." + prefix) && name.hasSuffix(".partial") {
            let path = directory + "/" + name
            guard FileSystem.kind(path) == .regularFile, let probe = try? FileDescriptor.openForReading(path),
                (try? probe.tryLockExclusive()) == true
            else { continue }
            FileSystem.removeFile(path)
            removed += 1
        }
        return removed
    }

    private func openNext() throws(SinkError) {
        let name = nextFreeName()
        finalPath = options.directory + "/" + name
        temporaryPath = options.directory + "/." + name + ".partial"
        // The compressor first: if it cannot start, no temporary file is left open (and later published empty).
        compressor = nil
        if options.gzip {
            do { compressor = try GzipCompressor(level: options.gzipLevel) } catch {
                throw SinkError(path: temporaryPath, operation: "gzip", message: error.description)
            }
        }
        FileSystem.removeFile(temporaryPath)
        do {
            let created = try FileDescriptor.createExclusive(temporaryPath)
            // Marks the file as in use for `removeStalePartials` of a later or concurrent writer.
            if options.holdUntilPublished { _ = try created.tryLockExclusive() }
            file = created
        } catch {
            throw SinkError(error)
        }
        fileLines = 0
        fileBytes = 0
    }

    /// Advances `sequence` to the next number whose final name is free and returns that name.
    private func nextFreeName() -> String {
        sequence += 1
        var name: String
        repeat {
            let number = String(sequence)
            name = "\(options.baseName)-\(String(repeating: "0", count: max(0, 5 - number.count)))\(number)"
            name += ".\(options.fileExtension)\(options.gzip ? ".gz" : "")"
            if FileSystem.exists(options.directory + "/" + name) { sequence += 1 } else { break }
        } while true
        return name
    }

    private func flush() throws(SinkError) {
        guard let file, !buffer.isEmpty else { return }
        do throws(SinkError) {
            if let compressor {
                compressed.removeAll(keepingCapacity: true)
                let failure: CompressionError? = buffer.withUnsafeBytes { raw in
                    do throws(CompressionError) { try compressor.compress(raw, appendingTo: &compressed) } catch { return error }
                    return nil
                }
                if let failure { throw SinkError(path: temporaryPath, operation: "gzip", message: failure.description) }
                do { try file.write(compressed) } catch { throw SinkError(error) }
            } else {
                do { try file.write(buffer) } catch { throw SinkError(error) }
            }
        } catch {
            abandon()
            throw error
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Runs a compression step, reporting its failure as a sink error on the current file.
    private func gzip(_ body: () throws(CompressionError) -> Void) throws(SinkError) {
        do { try body() } catch { throw SinkError(path: temporaryPath, operation: "gzip", message: error.description) }
    }

    private func closeCurrent() throws(SinkError) {
        guard let current = file else { return }
        try flush()
        do throws(SinkError) {
            if let compressor {
                compressed.removeAll(keepingCapacity: true)
                try gzip { () throws(CompressionError) in try compressor.finish(appendingTo: &compressed) }
                do { try current.write(compressed) } catch { throw SinkError(error) }
                self.compressor = nil
            }
            do {
                try current.sync()
                if !options.holdUntilPublished { try current.close() }
            } catch {
                throw SinkError(error)
            }
            file = nil
            if options.holdUntilPublished {
                held.append((current, temporaryPath, PublishedFile(path: finalPath, lines: fileLines, bytes: fileBytes)))
                return
            }
            while true {
                do throws(SystemCallError) {
                    try FileSystem.moveWithoutReplacing(temporaryPath, to: finalPath)
                    try FileSystem.syncDirectory(options.directory)
                    break
                } catch where error.isAlreadyExists {
                    // The name was taken after this file was opened: never replace it, take the next free one.
                    finalPath = options.directory + "/" + nextFreeName()
                } catch {
                    throw SinkError(error)
                }
            }
        } catch {
            abandon()
            FileSystem.removeFile(temporaryPath)  // `abandon` only removes it while the file is open; a failed rename comes after
            throw error
        }
        published.append(PublishedFile(path: finalPath, lines: fileLines, bytes: fileBytes))
    }
}

@available(*, unavailable)
extension RotatingFileWriter: Sendable {}
