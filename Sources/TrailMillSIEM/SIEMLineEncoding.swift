public import TrailMillDecoding
public import TrailMillNormalize

/// CEF or LEEF 2.0 lines, optionally behind a syslog header (`format: cef|leef`).
public struct SIEMLineEncoding: EventEncoding {
    /// CEF or LEEF.
    public var format: SIEMFormat
    /// The syslog header before each line.
    public var syslog: SyslogHeader

    /// Creates the encoding.
    public init(format: SIEMFormat, syslog: SyslogHeader = .none) {
        self.format = format
        self.syslog = syslog
    }

    public var identity: String { "\(format.rawValue)+\(syslog.rawValue)" }

    public func makeEncoder() -> any EventEncoder { Encoder(format: format, syslog: syslog) }

    final class Encoder: EventEncoder {
        let format: SIEMFormat
        let syslog: SyslogHeader
        let scratch = SIEMScratch()

        init(format: SIEMFormat, syslog: SyslogHeader) {
            self.format = format
            self.syslog = syslog
        }

        func append(
            _ event: FlatEvent, record: RecordView, facts: RecordFacts, context: FileContext, to out: OutputBuffer
        ) {
            switch format {
            case .cef: CEFEncoder.appendLine(event, record: record, context: context, syslog: syslog, scratch: scratch, to: out)
            case .leef: LEEFEncoder.appendLine(event, record: record, context: context, syslog: syslog, scratch: scratch, to: out)
            }
        }
    }
}
