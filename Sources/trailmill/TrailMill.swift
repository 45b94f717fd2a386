import ArgumentParser
import Foundation

/// `trailmill`: turns CloudTrail log archives into data security teams can use.
@main
struct TrailMill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailmill",
        abstract: "Turn AWS CloudTrail log archives into deduplicated, flat, SIEM-ready data.",
        discussion: """
            Exit status: 0 = every file done or skipped, 1 = some file dead (the rest still processed) or output \
            failed, 2 = usage error (or a bad job file), 3 = already running (trailmill run: the job's lock is held; \
            trailmill load/run: another load holds the schema's lock), 4 = stopped by SIGINT/SIGTERM (trailmill run; \
            the state is consistent and the next run resumes).

            Shell completions: trailmill --generate-completion-script bash|zsh|fish (see README). Version: \
            trailmill --version.
            """,
        subcommands: [
            ExportCommand.self, LoadCommand.self, HistoryCommand.self, RunCommand.self, StatusCommand.self, DatabaseCommand.self,
            SynthCommand.self, ValidateCommand.self,
        ]
    )

    /// Options whose value may start with `-` (`--since -3h`, `--from -7d`).
    static let timeOptions: Set<String> = ["--since", "--until", "--from", "--to", "--lookback", "--start"]

    /// `--since -3h` as `--since=-3h`: otherwise the parser reads `-3h` as short flags (`-h` is help).
    static func joiningRelativeTimes(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                out += arguments[index...]
                break
            }
            if timeOptions.contains(argument), index + 1 < arguments.count, arguments[index + 1].hasPrefix("-"),
                !arguments[index + 1].hasPrefix("--")
            {
                out.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            out.append(argument)
            index += 1
        }
        return out
    }

    /// Parses and runs, mapping usage errors to exit status 2 (ArgumentParser's default is 64).
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "--version" || arguments.first == "-V" {
            print(BuildInfo.text)
            Foundation.exit(0)
        }
        do {
            var command = try parseAsRoot(joiningRelativeTimes(Array(arguments)))
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            if code == .validationFailure || code.rawValue == 64 {
                FileHandle.standardError.write(Data("Run 'trailmill help' for usage.\n".utf8))
                Foundation.exit(2)
            }
            Foundation.exit(code.rawValue)
        }
    }
}
