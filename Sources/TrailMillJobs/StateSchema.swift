import GRDB

/// The state store's tables, as GRDB migrations. Never edit a shipped migration: add a new one.
enum StateSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        started_ms INTEGER NOT NULL,
                        finished_ms INTEGER,
                        exit_status INTEGER,
                        dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
                        summary TEXT
                    );
                    CREATE TABLE files (
                        key TEXT PRIMARY KEY NOT NULL,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        sha256 TEXT,
                        status TEXT NOT NULL CHECK (status IN ('done', 'skipped', 'dead')),
                        reason TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        first_seen_ms INTEGER NOT NULL,
                        last_attempt_ms INTEGER NOT NULL,
                        run_id INTEGER REFERENCES runs(id)
                    ) WITHOUT ROWID;
                    CREATE INDEX files_status ON files(status);
                    CREATE TABLE outputs (
                        id INTEGER PRIMARY KEY,
                        run_id INTEGER NOT NULL REFERENCES runs(id),
                        sink TEXT NOT NULL,
                        path TEXT NOT NULL,
                        events INTEGER NOT NULL,
                        bytes INTEGER NOT NULL,
                        sha256 TEXT NOT NULL,
                        UNIQUE (sink, path)
                    );
                    CREATE INDEX outputs_run ON outputs(run_id);
                    CREATE TABLE delivered_keys (
                        key BLOB PRIMARY KEY NOT NULL CHECK (length(key) = 16),
                        event_time_ms INTEGER NOT NULL,
                        run_id INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX delivered_keys_time ON delivered_keys(event_time_ms);
                    CREATE TABLE publish_intents (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id INTEGER NOT NULL REFERENCES runs(id),
                        created_ms INTEGER NOT NULL
                    );
                    CREATE TABLE intent_outputs (
                        intent_id INTEGER NOT NULL REFERENCES publish_intents(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        sink TEXT NOT NULL,
                        path TEXT NOT NULL,
                        temporary_path TEXT,
                        sha256 TEXT NOT NULL,
                        events INTEGER NOT NULL,
                        bytes INTEGER NOT NULL,
                        PRIMARY KEY (intent_id, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE intent_files (
                        intent_id INTEGER NOT NULL REFERENCES publish_intents(id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        sha256 TEXT,
                        PRIMARY KEY (intent_id, key)
                    ) WITHOUT ROWID;
                    CREATE TABLE intent_keys (
                        intent_id INTEGER NOT NULL REFERENCES publish_intents(id) ON DELETE CASCADE,
                        key BLOB NOT NULL CHECK (length(key) = 16),
                        event_time_ms INTEGER NOT NULL,
                        PRIMARY KEY (intent_id, key)
                    ) WITHOUT ROWID;
                    """)
        }
        // v2: per-sink bookkeeping. A file is done for a sink once that sink's publication of it completed
        // (`sink_files`); it is done for the job (`files.status`) once every sink has it. Delivered keys and
        // publish intents belong to one sink. Keys and intents from v1 states belong to every sink (`'*'`, NULL).
        migrator.registerMigration("v2-sinks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sink_files (
                        sink TEXT NOT NULL,
                        key TEXT NOT NULL,
                        done_ms INTEGER NOT NULL,
                        run_id INTEGER REFERENCES runs(id),
                        PRIMARY KEY (sink, key)
                    ) WITHOUT ROWID;
                    CREATE TABLE sink_delivered_keys (
                        sink TEXT NOT NULL,
                        key BLOB NOT NULL CHECK (length(key) = 16),
                        event_time_ms INTEGER NOT NULL,
                        run_id INTEGER NOT NULL,
                        PRIMARY KEY (sink, key)
                    ) WITHOUT ROWID;
                    INSERT INTO sink_delivered_keys (sink, key, event_time_ms, run_id)
                        SELECT '*', key, event_time_ms, run_id FROM delivered_keys;
                    DROP TABLE delivered_keys;
                    ALTER TABLE sink_delivered_keys RENAME TO delivered_keys;
                    CREATE INDEX delivered_keys_time ON delivered_keys(event_time_ms);
                    ALTER TABLE publish_intents ADD COLUMN sink TEXT;
                    """)
        }
        migrator.registerMigration("v3-rewrites") { db in
            try db.execute(
                sql: """
                    CREATE TABLE file_stamps (
                        key TEXT PRIMARY KEY NOT NULL,
                        modified_ns INTEGER NOT NULL,
                        inode INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE rewritten_files (
                        key TEXT PRIMARY KEY NOT NULL,
                        reason TEXT NOT NULL,
                        noticed_ms INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }
}
