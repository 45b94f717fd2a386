public import TrailMillArchive
public import TrailMillNormalize
public import TrailMillSinks

/// NDJSON, CEF or LEEF lines in rotated files that readers only ever see complete (`trailmill export`, and the
/// writing half of a job's file sink).
///
/// A consumed file's lines are written at once, so every file is committed as it is consumed; a checkpoint
/// finishes the open output file and publishes it (fsync, rename, fsync the directory). Outputs are never
/// published partially: a failure or `abandon()` removes the unfinished file.
public final class FileOutputSink: EventSink {
    public let name: String
    public let encoding: any EventEncoding
    /// Where and how to write; `directory` may change between checkpoints (a job stages each batch separately).
    public var output: FileOutput
    /// Called when the first line of the run is handed to the writer (fault-injection tests).
    public var onFirstLine: (@Sendable () -> Void)?

    private var writer: RotatingFileWriter?
    private var published: [PublishedFile] = []
    private var allPublished: [RunSummary.Output] = []
    private var bytesWritten = 0
    private var wroteFirstLine = false

    /// Creates a sink writing `output`.
    public init(name: String, output: FileOutput) {
        self.name = name
        self.output = output
        encoding = output.format.encoding(syslog: output.syslog)
    }

    /// Creates the output directory now, so an unwritable target fails before anything is decoded.
    public func admit(_ files: [TrailFile]) throws(SinkFailure) -> [SinkAdmission] {
        _ = try openWriter()
        if output.publishAtEnd, let prefix = output.stalePartialPrefix {
            RotatingFileWriter.removeStalePartials(in: output.directory, prefix: prefix)
        }
        return files.map { _ in .take }
    }

    public func consume(_ file: SinkFile) throws(SinkFailure) -> SinkReceipt {
        let writer = try openWriter()
        do {
            try file.forEachTakenLine { (_, line) throws(SinkError) in
                try writer.writeLine(line)
                bytesWritten += line.count
            }
        } catch {
            switch error {
            case .spill(let message): throw SinkFailure(message: "cannot read back spilled lines: \(message)")
            case .body(let failure): throw SinkFailure(message: "cannot write output: \(failure)")
            }
        }
        if !wroteFirstLine && file.taken > 0 {
            wroteFirstLine = true
            onFirstLine?()
        }
        return .committed
    }

    /// Publishes the open output file (with ``FileOutput/publishAtEnd``: finishes it, to be published by
    /// ``publish()``).
    public func checkpoint() throws(SinkFailure) {
        guard let writer else { return }
        if output.publishAtEnd {
            do { try writer.finish() } catch { throw SinkFailure(message: "cannot write output: \(error)") }
            return
        }
        self.writer = nil
        do {
            for file in try writer.finish() {
                published.append(file)
                allPublished.append(.init(path: file.path, events: file.lines, bytes: file.bytes))
            }
        } catch {
            throw SinkFailure(message: "cannot write output: \(error)")
        }
    }

    /// With ``FileOutput/publishAtEnd``: names every finished file at once, after a run that completed.
    public func publish() throws(SinkFailure) {
        guard let writer else { return }
        self.writer = nil
        do {
            for file in try writer.publishHeld() {
                published.append(file)
                allPublished.append(.init(path: file.path, events: file.lines, bytes: file.bytes))
            }
        } catch {
            throw SinkFailure(message: "cannot publish output: \(error)")
        }
    }

    public func abandon() {
        writer?.abandon()
        writer = nil
    }

    public func report() -> SinkReport {
        var report = SinkReport()
        report.eventsWritten = allPublished.reduce(0) { $0 + $1.events }
        report.bytesWritten = bytesWritten
        report.outputs = allPublished
        return report
    }

    /// The files published since the last call, in order.
    public func takePublished() -> [PublishedFile] {
        defer { published = [] }
        return published
    }

    private func openWriter() throws(SinkFailure) -> RotatingFileWriter {
        if let writer { return writer }
        var options = OutputFileOptions(
            directory: output.directory, baseName: output.stem, fileExtension: output.format.fileExtension)
        options.gzip = output.gzip
        options.maxBytesPerFile = output.maxBytesPerFile
        options.holdUntilPublished = output.publishAtEnd
        do {
            let writer = try RotatingFileWriter(options: options)
            self.writer = writer
            return writer
        } catch {
            throw SinkFailure(message: "cannot write output: \(error)")
        }
    }
}

@available(*, unavailable)
extension FileOutputSink: Sendable {}
