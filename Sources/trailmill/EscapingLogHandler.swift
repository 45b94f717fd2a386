import Logging
import TrailMillPipeline

/// Wraps the stderr log handler so that no message or metadata value can hold a control character: a file named
/// `a\n<fake log line>` is logged as `a\n…` on one line (see ``LogText``).
struct EscapingLogHandler: LogHandler {
    var wrapped: any LogHandler

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var escaped = event
        escaped.message = "\(LogText.escapingControlCharacters(event.message.description))"
        escaped.metadata = event.metadata.map { $0.mapValues(Self.escape) }
        wrapped.log(event: escaped)
    }

    private static func escape(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(LogText.escapingControlCharacters(text))
        case .stringConvertible(let value): .string(LogText.escapingControlCharacters(value.description))
        case .array(let values): .array(values.map(escape))
        case .dictionary(let values): .dictionary(values.mapValues(escape))
        }
    }
}
