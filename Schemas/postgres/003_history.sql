-- TrailMill PostgreSQL schema, migration 003: indexes for `trailmill history` (the console's Event history).
--
-- Every console attribute with a time range becomes an index scan on the daily partitions the range keeps:
-- B-tree (attribute, event_time) indexes read a partition newest first for an equality filter; the resource filters
-- use GIN over arrays of names. The three functions are the matching rules of `trailmill history`; the CLI and the
-- indexes call the same ones, so a query always matches its index. Creating the indexes reads every stored row once.

-- The console's "User name": IAM user → userName; assumed role → the role session name (the ARN's last part, as
-- LookupEvents' Username); root → 'root'; anything else → userName, else TrailMill's derived actor.
CREATE FUNCTION history_user_name(user_type text, user_name text, user_arn text, actor text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN user_type = 'AssumedRole' AND strpos(user_arn, '/') > 0 THEN regexp_replace(user_arn, '^.*/', '')
        WHEN user_type = 'Root' THEN 'root'
        ELSE coalesce(user_name, actor)
    END
$$;

-- Resource names an event references: each resources[].ARN and its part after the last '/' or ':'.
CREATE FUNCTION history_resource_names(arns text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(arns, '{}') || ARRAY(SELECT regexp_replace(a, '^.*[/:]', '') FROM unnest(arns) AS a
                                         WHERE a ~ '[/:].')
$$;

-- Resource types an event references: each resources[].type and its last '::' part (the console's short type).
CREATE FUNCTION history_resource_types(resources jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT t FROM (
            SELECT r->>'type' AS full_type
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(resources) = 'array' THEN resources ELSE '[]' END) AS r
            WHERE jsonb_typeof(r) = 'object' AND jsonb_typeof(r->'type') = 'string'
        ) AS f, LATERAL (VALUES (full_type), (regexp_replace(full_type, '^.*::', ''))) AS v(t)
        ORDER BY t
    )
$$;

-- The record itself, as CloudTrail wrote it (as jsonb: member order and spacing normalized), for `--event-id` and
-- `--output json`. Opt-in: only `trailmill load --keep-raw` fills it (it roughly doubles the table's size).
ALTER TABLE events ADD COLUMN raw jsonb;

CREATE INDEX events_event_id ON events (event_id);
CREATE INDEX events_event_source_time ON events (event_source, event_time);
CREATE INDEX events_read_only_time ON events (read_only, event_time);
CREATE INDEX events_access_key_time ON events (user_access_key_id, event_time);
CREATE INDEX events_user_name_time ON events (history_user_name(user_type, user_name, user_arn, actor), event_time);
CREATE INDEX events_resource_names ON events USING gin (history_resource_names(resource_arns));
CREATE INDEX events_resource_types ON events USING gin (history_resource_types(resources));
-- Investigations: everything one principal did; errors (a few percent of events) for --error-code, --errors-only and
-- access denied.
CREATE INDEX events_user_arn_time ON events (user_arn, event_time);
CREATE INDEX events_errors_time ON events (error_code, event_time) WHERE error_code IS NOT NULL;
