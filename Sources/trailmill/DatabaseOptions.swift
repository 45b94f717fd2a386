import ArgumentParser
import TrailMillPipeline
import TrailMillPostgres

/// Where the PostgreSQL event store is: the options `load` and `db` share.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "libpq connection string or URI (default: DATABASE_URL, else libpq's PGHOST, PGDATABASE, ... environment).",
            valueName: "conninfo"))
    var database: String?

    @Option(help: "The schema holding TrailMill's tables.")
    var schema = "cloudtrail"

    func validate() throws {
        if schema.isEmpty || schema.utf8.contains(0) { throw ValidationError("--schema must be a non-empty name.") }
        if schema.utf8.count > 63 { throw ValidationError("--schema is longer than PostgreSQL's 63-byte identifier limit.") }
    }

    /// Connects, or prints why not and exits 1 (the message never contains a password).
    func connect() throws -> PostgresConnection {
        do { return try PostgresConnection(conninfo: database) } catch {
            StandardError.write("trailmill: cannot connect to PostgreSQL: \(error)\n")
            throw ExitCode(1)
        }
    }
}
