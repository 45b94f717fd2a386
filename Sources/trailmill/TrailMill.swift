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
            """,
        subcommands: [
            ExportCommand.self, LoadCommand.self, HistoryCommand.self, RunCommand.self, StatusCommand.self, DatabaseCommand.self,
            SynthCommand.self, ValidateCommand.self,
        ]
    )

    /// Parses and runs, mapping usage errors to exit status 2 (ArgumentParser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
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
