import Logging

/// Sets up swift-log once per process: human-readable lines on stderr (stdout stays free for data).
enum LoggingSetup {
    static func bootstrap(quiet: Bool, verbose: Bool) -> Logger {
        let level: Logger.Level = verbose ? .debug : (quiet ? .error : .warning)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return EscapingLogHandler(wrapped: handler)
        }
        var logger = Logger(label: "trailmill")
        logger.logLevel = level
        return logger
    }
}
