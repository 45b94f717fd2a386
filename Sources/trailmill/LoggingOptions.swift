import ArgumentParser

/// How a command talks on stderr: `-q`, `-v`, `--log-format`. Shared by `export`, `load` and `run`.
struct LoggingOptions: ParsableArguments {
    @Flag(name: [.customShort("q"), .long], help: "Print only dead files, errors, and the summary line when something is dead or nothing was found.")
    var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Log every file (name, status, events, ms).")
    var verbose = false

    @Option(help: "Log lines as text or json (one JSON object per line, for log shippers).")
    var logFormat: LogFormat = .text

    func validate() throws {
        if quiet && verbose { throw ValidationError("Use at most one of --quiet and --verbose.") }
    }
}

/// `--log-format`.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
}
