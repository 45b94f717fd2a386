import Foundation
import Logging
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

    /// A JSON string literal of `text`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
