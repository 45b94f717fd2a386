import ArgumentParser
import TrailMillPipeline

/// A size on the command line: plain bytes or `64MiB`, `2GiB`, `10MB` (``ByteSizeArgument``, as in job files).
struct ByteSize: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The size in bytes.
    var bytes: Int

    init(_ bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        guard let bytes = ByteSizeArgument.parse(argument) else { return nil }
        self.bytes = bytes
    }

    /// `2GiB`, `256MiB`, or plain bytes: how defaults show in `--help`.
    var description: String {
        for (unit, size) in [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }

    var defaultValueDescription: String { description }
}
