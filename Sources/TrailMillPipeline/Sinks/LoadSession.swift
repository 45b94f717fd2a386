import Logging
import TrailMillEventStore
import TrailMillPostgres

/// A connection ready for loading: schema checked (or migrated), the schema's load lock held, staging prepared.
struct LoadSession {
    let store: EventStore

    /// Connects and prepares; a refused connection, an unusable schema or a busy lock end the run.
    static func open(options: LoadOptions, logger: Logger) throws(LoadRun.Failure) -> LoadSession {
        let connection: PostgresConnection
        do { connection = try PostgresConnection(conninfo: options.conninfo) } catch {
            throw LoadRun.Failure(message: "cannot connect to PostgreSQL: \(error)", exitStatus: 1)
        }
        let store = EventStore(connection: connection, schema: options.schema)
        do {
            let migrator = Migrator(connection: connection, schema: options.schema)
            if options.migrate {
                for migration in try migrator.migrate() {
                    logger.info("migration applied", metadata: ["migration": "\(migration.name)"])
                }
            }
            if let blocker = try migrator.status().loadBlocker {
                throw LoadRun.Failure(message: blocker, exitStatus: 1)
            }
        } catch let failure as LoadRun.Failure {
            throw failure
        } catch {
            throw LoadRun.Failure(message: "cannot prepare schema \"\(options.schema)\": \(error)", exitStatus: 1)
        }
        let session = LoadSession(store: store)
        try session.lockAndPrepare()
        return session
    }

    /// Reconnects after a lost connection: the same checks, minus migrations.
    static func reopen(options: LoadOptions) throws(PostgresError) -> LoadSession {
        let connection = try PostgresConnection(conninfo: options.conninfo)
        return LoadSession(store: EventStore(connection: connection, schema: options.schema))
    }

    /// Takes the load lock and creates the staging table.
    func lockAndPrepare() throws(LoadRun.Failure) {
        do {
            if case .busy(let pid) = try store.tryLock() {
                let holder = pid.map { " (server process \($0))" } ?? ""
                throw LoadRun.Failure(
                    message: "another trailmill load into schema \"\(store.schema)\" is running\(holder); "
                        + "nothing was loaded, try again when it has finished",
                    exitStatus: LoadRun.lockBusyExitStatus)
            }
            try store.prepareStaging()
        } catch let failure as LoadRun.Failure {
            throw failure
        } catch {
            throw LoadRun.Failure(message: "cannot prepare the load: \(error)", exitStatus: 1)
        }
    }
}
