import TrailMillPOSIX

/// A failure writing or reading back spilled lines.
struct SpillError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }

    init(message: String) { self.message = message }

    init(_ error: SystemCallError) {
        message = "cannot \(error.operation) spill file in \(error.path): \(error.reason)"
    }
}

/// An anonymous temporary file (created, then unlinked at once) that holds a file's encoded lines once they
/// outgrow memory. It disappears when closed, whatever happens to the process.
final class SpillFile {
    private let file: FileDescriptor
    /// Bytes written.
    private(set) var size = 0

    init(directory: String) throws(SpillError) {
        do { file = try FileDescriptor.anonymousTemporary(in: directory, prefix: ".trailmill-spill") } catch {
            throw SpillError(error)
        }
    }

    /// Appends bytes.
    func append(_ bytes: UnsafeRawBufferPointer) throws(SpillError) {
        do { try file.write(bytes) } catch { throw SpillError(error) }
        size += bytes.count
    }

    /// Reads up to `destination.count` bytes at `offset`; returns how many were read.
    func read(at offset: Int, into destination: UnsafeMutableRawBufferPointer) throws(SpillError) -> Int {
        do { return try file.read(at: offset, into: destination) } catch { throw SpillError(error) }
    }
}

@available(*, unavailable)
extension SpillFile: Sendable {}
