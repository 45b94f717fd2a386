-- TrailMill PostgreSQL schema, migration 002: runs and loaded files.
--
-- A file's row in loaded_files is written in the same transaction as its events: a file is either loaded and
-- recorded, or neither. `trailmill load` skips files recorded here.

CREATE TABLE load_runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    status          text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
    exit_status     integer,
    source          text        NOT NULL,
    host            text,
    summary         jsonb
);

CREATE TABLE loaded_files (
    source_key      text        PRIMARY KEY,  -- path relative to the archive root (the S3 key)
    size            bigint      NOT NULL,
    content_sha256  text        NOT NULL,     -- of the file as stored (gzip bytes), lowercase hex
    events_read     integer     NOT NULL,
    events_inserted integer     NOT NULL,
    duplicates      integer     NOT NULL,     -- in-run duplicates plus rows already in events
    filtered        integer     NOT NULL,
    replaced_characters integer NOT NULL,     -- U+0000 and lone surrogates stored as U+FFFD
    run_id          bigint      NOT NULL REFERENCES load_runs (run_id),
    loaded_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX loaded_files_run ON loaded_files (run_id);
