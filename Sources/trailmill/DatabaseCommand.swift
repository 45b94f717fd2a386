import ArgumentParser
import Foundation
import TrailMillArchive
import TrailMillEventStore
import TrailMillPipeline

/// `trailmill db`: the PostgreSQL schema's migrations and retention.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the PostgreSQL event store: migrate, status, prune.",
        subcommands: [Migrate.self, Status.self, Prune.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations (Schemas/postgres/NNN_*.sql), each in its own transaction.")

        @OptionGroup var target: DatabaseOptions

        func run() throws {
            let connection = try target.connect()
            let migrator = Migrator(connection: connection, schema: target.schema)
            do {
                let status = try migrator.status()
                if status.isNewer {
                    StandardError.write("trailmill: \(status.loadBlocker ?? "schema is newer than this trailmill")\n")
                    throw ExitCode(1)
                }
                let applied = try migrator.migrate()
                if applied.isEmpty {
                    print("schema \"\(target.schema)\" is up to date (version \(Migration.latestVersion))")
                }
                for migration in applied { print("applied \(migration.name)") }
            } catch let error as ExitCode {
                throw error
            } catch {
                StandardError.write("trailmill: \(error)\n")
                throw ExitCode(1)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the schema version, partitions, loaded files and the last runs.")

        @OptionGroup var target: DatabaseOptions

        @Flag(help: "Count the events exactly (a full scan) instead of printing the planner's estimate.")
        var exact = false

        func run() throws {
            let connection = try target.connect()
            do {
                let status = try Migrator(connection: connection, schema: target.schema).status()
                print("schema \"\(target.schema)\": version \(status.version) of \(Migration.latestVersion)")
                for migration in status.applied {
                    print("  applied \(migration.name) at \(migration.appliedAt)\(migration.edited ? " (SQL edited since)" : "")")
                }
                for migration in status.pending { print("  pending \(migration.name)") }
                guard status.version > 0 else { return }
                let store = EventStore(connection: connection, schema: target.schema)
                let overview = try store.overview()
                let range = overview.oldestPartition.map { " (\($0) … \(overview.newestPartition ?? $0))" } ?? ""
                print("partitions: \(overview.partitions) daily\(range)")
                if exact {
                    print("events: \(try store.exactRowCount()) rows (exact count)")
                } else {
                    print(
                        "events: about \(overview.estimatedRows) rows (estimate: the planner's statistics, updated by "
                            + "ANALYZE; --exact counts them)")
                }
                print("loaded files: \(overview.loadedFiles)")
                for run in overview.lastRuns {
                    print("run \(run.id): \(run.startedAt) \(run.status)\(run.exitStatus.map { ", exit \($0)" } ?? "")")
                }
                if let blocker = status.loadBlocker { print("note: \(blocker)") }
            } catch {
                StandardError.write("trailmill: \(error)\n")
                throw ExitCode(1)
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop daily partitions older than the window (CloudTrail's console keeps 90 days).")

        @OptionGroup var target: DatabaseOptions

        @Option(help: ArgumentHelp("How much history to keep, as a duration (rounded up to days), e.g. 90d, 12w, 2160h.", valueName: "duration"))
        var keep: String

        @Flag(help: "Print what would be dropped; change nothing.")
        var dryRun = false

        func validate() throws {
            guard Self.days(keep) != nil else {
                throw ValidationError("--keep '\(keep)' is not \(DurationArgument.forms).")
            }
        }

        static func days(_ text: String) -> Int? { DurationArgument.parseDays(text) }

        func run() throws {
            let connection = try target.connect()
            do {
                if let blocker = try Migrator(connection: connection, schema: target.schema).status().loadBlocker {
                    StandardError.write("trailmill: \(blocker)\n")
                    throw ExitCode(1)
                }
                let result = try EventStore(connection: connection, schema: target.schema)
                    .prune(keepDays: Self.days(keep) ?? 90, today: CivilDate.today().daysSinceEpoch, dryRun: dryRun)
                let verb = dryRun ? "would drop" : "dropped"
                for name in result.droppedPartitions { print("\(verb) \(name)") }
                print(
                    "\(verb) \(result.droppedPartitions.count) partitions and \(result.defaultRowsDeleted) rows of "
                        + "events_default; keeping events from \(result.keptFrom)")
            } catch let error as ExitCode {
                throw error
            } catch {
                StandardError.write("trailmill: \(error)\n")
                throw ExitCode(1)
            }
        }
    }
}
