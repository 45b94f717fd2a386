-- TrailMill PostgreSQL schema, migration 001: the event history.
--
-- Runs inside one transaction with search_path set to the target schema (default "cloudtrail"), so names here are
-- unqualified. Columns are flat schema v1 (Schemas/flat-schema-v1.md) with real types; the column order is the
-- order of TrailMill's COPY rows (Sources/TrailMillEventStore/EventColumns.swift), checked by the test suite.

CREATE TABLE events (
    -- Event
    event_time                      timestamptz NOT NULL,
    event_id                        text        NOT NULL,  -- the record's eventID, or a surrogate (see raw_event_id)
    recipient_account_id            text        NOT NULL,
    raw_event_id                    text,                  -- the record's eventID when event_id is a surrogate
    schema_version                  smallint    NOT NULL,
    event_version                   text,
    event_source                    text,
    event_name                      text,
    event_type                      text,
    event_category                  text,
    aws_region                      text,
    management_event                boolean,
    read_only                       boolean,
    request_id                      text,
    api_version                     text,
    shared_event_id                 text,
    -- Source
    source_ip_address               text,
    source_ip                       inet,
    user_agent                      text,
    vpc_endpoint_id                 text,
    vpc_endpoint_account_id         text,
    tls_version                     text,
    tls_cipher_suite                text,
    tls_client_host                 text,
    session_credential_from_console boolean,
    -- Outcome
    error_code                      text,
    error_message                   text,
    outcome                         text        NOT NULL CHECK (outcome IN ('success', 'failure')),
    console_login_result            text,
    mfa_used                        boolean,
    -- Actor
    user_type                       text,
    user_principal_id               text,
    user_arn                        text,
    user_account_id                 text,
    user_access_key_id              text,
    user_name                       text,
    user_invoked_by                 text,
    user_identity_provider          text,
    user_credential_id              text,
    session_issuer_type             text,
    session_issuer_principal_id     text,
    session_issuer_arn              text,
    session_issuer_account_id       text,
    session_issuer_user_name        text,
    session_mfa_authenticated       boolean,
    session_creation_date           timestamptz,
    session_source_identity         text,
    session_ec2_role_delivery       text,
    actor                           text,
    -- Payload
    request_parameters              jsonb,
    response_elements               jsonb,
    additional_event_data           jsonb,
    service_event_details           jsonb,
    resources                       jsonb,
    resource_arns                   text[],
    insight_details                 jsonb,
    insight_state                   text,
    insight_type                    text,
    addendum                        jsonb,
    edge_device_details             jsonb,
    user_identity                   jsonb,
    -- Provenance
    source_file                     text        NOT NULL,
    archive_org_id                  text,
    archive_account_id              text        NOT NULL,
    archive_region                  text        NOT NULL,
    delivery_date                   date        NOT NULL,
    record_index                    integer     NOT NULL,
    derived_fields                  text[],
    PRIMARY KEY (event_time, event_id, recipient_account_id)
) PARTITION BY RANGE (event_time);

-- Rows whose day has no partition (TrailMill creates daily partitions on demand for plausible times; see
-- Schemas/postgres/README.md) land here instead of failing the load.
CREATE TABLE events_default PARTITION OF events DEFAULT;

-- The console's questions: what happened by name, who did it, from where, when (the primary key leads with time).
CREATE INDEX events_event_name_time ON events (event_name, event_time);
CREATE INDEX events_actor_time ON events (actor, event_time);
CREATE INDEX events_source_ip_time ON events (source_ip, event_time);
