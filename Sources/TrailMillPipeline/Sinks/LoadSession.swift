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
        do {
            connection = try PostgresConnection(conninfo: target.conninfo)
            try watch(connection, target: target, logger: logger)
        } catch {
            throw SinkFailure(message: "cannot connect to PostgreSQL: \(error)")
        }
        let store = EventStore(connection: connection, schema: target.schema)
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
        } catch let error as PostgresError {
            throw failure(error, target: target, doing: "cannot prepare schema \"\(target.schema)\"")
        } catch {
            throw SinkFailure(message: "cannot prepare schema \"\(target.schema)\": \(error)")
        }
        let session = LoadSession(store: store, backendPID: connection.backendPID)
        try session.lockAndPrepare(target: target)
        return session
    }

    /// Reconnects after a lost connection: the same checks, minus migrations.
    static func reopen(target: PostgresTarget, logger: Logger) throws(PostgresError) -> LoadSession {
        let connection = try PostgresConnection(conninfo: target.conninfo)
        try watch(connection, target: target, logger: logger)
        return LoadSession(store: EventStore(connection: connection, schema: target.schema), backendPID: connection.backendPID)
    }

    /// Takes the load lock and creates the staging table. `previous` is the server process of the connection this
    /// one replaces: when it still holds the lock (the server has not yet noticed that the connection is gone), it
    /// is this run's own lock, so that session is ended and the lock taken over instead of reporting "already
    /// running".
    func lockAndPrepare(replacing previous: Int? = nil, target: PostgresTarget) throws(SinkFailure) {
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
            throw Self.failure(error, target: target, doing: "cannot prepare the load")
        }
    }

    /// Bounds every statement's wait for a lock (`lock_timeout`) and the bookkeeping statements' duration
    /// (`statement_timeout`), reports a long wait with the server processes holding the lock, and cancels the
    /// statement in progress when the run is stopped.
    private static func watch(_ connection: PostgresConnection, target: PostgresTarget, logger: Logger) throws(PostgresError) {
        let pid = connection.backendPID
        let cancellation = target.cancellation
        connection.watch = PostgresConnection.StatementWatch(
            isCancelled: { cancellation?.isCancelled == true }, reportAfter: target.reportWaitAfter,
            onLongWait: {
                let holders = blockingProcesses(of: pid, target: target)
                guard !holders.isEmpty else { return }
                let list = holders.map(String.init).joined(separator: ", ")
                logger.warning(
                    "waiting for a lock held by server process \(list) (pg_stat_activity shows what it runs); giving up after \(seconds(target.lockTimeout)) s (--lock-timeout)")
            })
        try connection.execute("SET lock_timeout = \(milliseconds(target.lockTimeout))")
        try connection.execute("SET statement_timeout = \(milliseconds(target.bookkeepingTimeout))")
    }

    /// The server processes `pid` waits for (`pg_blocking_pids`), asked over a second, short-lived connection.
    private static func blockingProcesses(of pid: Int, target: PostgresTarget) -> [Int] {
        guard let monitor = try? PostgresConnection(conninfo: target.conninfo),
            let text = try? monitor.queryValue("SELECT array_to_string(pg_blocking_pids($1::int), ',')", parameters: ["\(pid)"])
        else { return [] }
        return text.split(separator: ",").compactMap { Int($0) }
    }

    /// The sink failure for a PostgreSQL error: a lock wait that timed out and a cancelled statement are said
    /// plainly; anything else is `doing: error`.
    static func failure(_ error: any Error, target: PostgresTarget, doing: String) -> SinkFailure {
        guard let error = error as? PostgresError else { return SinkFailure(message: "\(doing): \(error)") }
        switch error.sqlState {
        case "55P03":
            return SinkFailure(
                message: "gave up after \(seconds(target.lockTimeout)) s waiting for a lock another session holds "
                    + "on schema \"\(target.schema)\" (--lock-timeout); nothing more was loaded, run again later")
        case "57014" where target.cancellation?.isCancelled == true:
            return SinkFailure(message: "stopped by a signal: the statement in progress was cancelled")
        case "57014":
            return SinkFailure(message: "\(doing): a statement ran past its time limit: \(error.message)")
        default:
            return SinkFailure(message: "\(doing): \(error)")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    static func seconds(_ duration: Duration) -> Int64 { milliseconds(duration) / 1000 }

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
