public import TrailMillArchive
import TrailMillCompression
public import TrailMillNormalize
import TrailMillPOSIX

/// `export --out -`: every line on standard output, in one stream (no rotation), gzip when asked, so the export
/// can feed `jq`, `grep` or a shipper. Each consumed file's lines are written at once; a checkpoint ends the open
/// gzip member (a concatenation of gzip members is one valid gzip stream).
public final class StandardOutputSink: EventSink {
    public let name: String
    public let encoding: any EventEncoding
    /// Line format and gzip (directory, stem, rotation and syslog-free settings are unused).
    public let output: FileOutput

    private let stream: FileDescriptor
    private var compressor: GzipCompressor?
    private var pending: [UInt8] = []
    private var eventsWritten = 0
    private var bytesWritten = 0

    /// Creates a sink writing `output`'s format to standard output.
    public init(name: String = "stdout", output: FileOutput) {
        self.name = name
        self.output = output
        encoding = output.format.encoding(syslog: output.syslog)
        stream = FileDescriptor.standardOutput()
    }

    public func admit(_ files: [TrailFile]) throws(SinkFailure) -> [SinkAdmission] {
        files.map { _ in .take }
    }

    public func consume(_ file: SinkFile) throws(SinkFailure) -> SinkReceipt {
        pending.removeAll(keepingCapacity: true)
        var lines = 0
        var raw: [UInt8] = []
        do {
            try file.forEachTakenLine { (_, line) throws(CompressionError) in
                lines += 1
                bytesWritten += line.count
                if output.gzip {
                    if compressor == nil { compressor = try GzipCompressor() }
                    try compressor!.compress(line, appendingTo: &pending)
                } else {
                    raw.append(contentsOf: line)
                }
            }
        } catch {
            switch error {
            case .spill(let message): throw SinkFailure(message: "cannot read back spilled lines: \(message)")
            case .body(let failure): throw SinkFailure(message: "cannot write to stdout: \(failure)")
            }
        }
        try write(output.gzip ? pending : raw)
        eventsWritten += lines
        return .committed
    }

    /// Ends the open gzip member, so what was written so far is complete gzip.
    public func checkpoint() throws(SinkFailure) {
        guard let compressor else { return }
        self.compressor = nil
        pending.removeAll(keepingCapacity: true)
        do { try compressor.finish(appendingTo: &pending) } catch {
            throw SinkFailure(message: "cannot write to stdout: \(error)")
        }
        try write(pending)
    }

    public func abandon() {
        compressor = nil
    }

    public func report() -> SinkReport {
        var report = SinkReport()
        report.eventsWritten = eventsWritten
        report.bytesWritten = bytesWritten
        return report
    }

    private func write(_ bytes: [UInt8]) throws(SinkFailure) {
        guard !bytes.isEmpty else { return }
        do { try stream.write(bytes) } catch {
            throw SinkFailure(message: "cannot write to stdout: \(error)")
        }
    }
}

@available(*, unavailable)
extension StandardOutputSink: Sendable {}
