#if canImport(Glibc)
import Glibc
#endif
import Logging
import TrailMillEventStore
import TrailMillPostgres

/// A connection ready for loading: schema checked (or migrated), the schema's load lock held, staging prepared.
struct LoadSession {
    let store: EventStore
    /// The server process of this connection: after a lost connection, the lock may still be held by it until
    /// the server notices the connection is gone.
    let backendPID: Int

    /// Connects and prepares; a refused connection, an unusable schema or a busy lock end the sink.
    static func open(target: PostgresTarget, logger: Logger) throws(SinkFailure) -> LoadSession {
        let connection: PostgresConnection
        do { connection = try PostgresConnection(conninfo: target.conninfo) } catch {
            throw SinkFailure(message: "cannot connect to PostgreSQL: \(error)")
        }
        let store = EventStore(connection: connection, schema: target.schema, keepsRawRecords: target.keepsRawRecords)
        do {
            let migrator = Migrator(connection: connection, schema: target.schema)
            if target.migrate {
                for migration in try migrator.migrate() {
                    logger.info("migration applied", metadata: ["migration": "\(migration.name)"])
                }
            }
            if let blocker = try migrator.status().loadBlocker { throw SinkFailure(message: blocker) }
        } catch let failure as SinkFailure {
            throw failure
        } catch {
            throw SinkFailure(message: "cannot prepare schema \"\(target.schema)\": \(error)")
        }
        let session = LoadSession(store: store, backendPID: connection.backendPID)
        try session.lockAndPrepare()
        return session
    }

    /// Reconnects after a lost connection: the same checks, minus migrations.
    static func reopen(target: PostgresTarget) throws(PostgresError) -> LoadSession {
        let connection = try PostgresConnection(conninfo: target.conninfo)
        return LoadSession(
            store: EventStore(connection: connection, schema: target.schema, keepsRawRecords: target.keepsRawRecords),
            backendPID: connection.backendPID)
    }

    /// Takes the load lock and creates the staging table. `previous` is the server process of the connection this
    /// one replaces: when it still holds the lock (the server has not yet noticed that the connection is gone), it
    /// is this run's own lock, so that session is ended and the lock taken over instead of reporting "already
    /// running".
    func lockAndPrepare(replacing previous: Int? = nil) throws(SinkFailure) {
        do {
            var lock = try store.tryLock()
            if case .busy(let holder?) = lock, let previous, holder == previous {
                lock = try takeOver(from: previous)
            }
            if case .busy(let pid) = lock {
                let holder = pid.map { " (server process \($0))" } ?? ""
                throw SinkFailure(
                    message: "another trailmill load into schema \"\(store.schema)\" is running\(holder); "
                        + "nothing was loaded, try again when it has finished",
                    isLockBusy: true)
            }
            try store.prepareStaging()
        } catch let failure as SinkFailure {
            throw failure
        } catch {
            throw SinkFailure(message: "cannot prepare the load: \(error)")
        }
    }

    /// Ends this run's previous server session (which holds the lock and, at most, an open transaction whose
    /// batch was never acknowledged) and takes the lock once it is released.
    private func takeOver(from previous: Int) throws(PostgresError) -> EventStore.LockResult {
        // The second argument makes the server wait (up to 5 s) until the session is gone.
        _ = try store.connection.queryValue("SELECT pg_terminate_backend($1::int, 5000)::text", parameters: ["\(previous)"])
        var lock = try store.tryLock()
        var attempts = 0
        while case .busy(let holder?) = lock, holder == previous, attempts < 50 {
            var pause = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            nanosleep(&pause, nil)
            lock = try store.tryLock()
            attempts += 1
        }
        return lock
    }
}
