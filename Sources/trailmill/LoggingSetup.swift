import Foundation
import Logging
import TrailMillDecoding
import TrailMillNormalize
import TrailMillPipeline

/// Sets up swift-log once per process: lines on stderr (stdout stays free for data), as text or JSON lines.
enum LoggingSetup {
    static func bootstrap(_ options: LoggingOptions) -> Logger {
        bootstrap(quiet: options.quiet, verbose: options.verbose, format: options.logFormat)
    }

    static func bootstrap(quiet: Bool, verbose: Bool, format: LogFormat = .text) -> Logger {
        let level: Logger.Level = verbose ? .debug : (quiet ? .error : .warning)
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLineLogHandler()
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "trailmill")
        logger.logLevel = level
        return logger
    }
}

/// One JSON object per log line on stderr: `{"time":…,"level":…,"message":…, metadata…}` (`--log-format json`).
struct JSONLineLogHandler: LogHandler {
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", Timestamp.iso8601(TimeArgument.currentMillis())), ("level", event.level.rawValue),
            ("message", "\(event.message)"),
        ]
        var merged = metadata
        for (key, value) in event.metadata ?? [:] { merged[key] = value }
        for key in merged.keys.sorted() { fields.append((key, "\(merged[key]!)")) }
        StandardError.write("{" + fields.map { "\(Self.quoted($0.0)):\(Self.quoted($0.1))" }.joined(separator: ",") + "}\n")
    }

    /// A JSON string literal of `text` (``JSONOutput``'s escaping: control characters never reach the line raw).
    static func quoted(_ text: String) -> String {
        let out = OutputBuffer(capacity: text.utf8.count + 16)
        JSONOutput.appendString(text, to: out)
        return out.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}
