/// The columns of `events` in the order TrailMill's COPY rows carry them (`Schemas/postgres/001_events.sql`).
///
/// The suite checks this list against the table the migrations create, so the two cannot drift apart.
public enum EventColumns {
    /// Column names, in COPY order.
    public static let names: [String] = [
        "event_time", "event_id", "recipient_account_id", "raw_event_id", "schema_version", "event_version",
        "event_source", "event_name", "event_type", "event_category", "aws_region", "management_event", "read_only",
        "request_id", "api_version", "shared_event_id",
        "source_ip_address", "source_ip", "user_agent", "vpc_endpoint_id", "vpc_endpoint_account_id", "tls_version",
        "tls_cipher_suite", "tls_client_host", "session_credential_from_console",
        "error_code", "error_message", "outcome", "console_login_result", "mfa_used",
        "user_type", "user_principal_id", "user_arn", "user_account_id", "user_access_key_id", "user_name",
        "user_invoked_by", "user_identity_provider", "user_credential_id", "session_issuer_type",
        "session_issuer_principal_id", "session_issuer_arn", "session_issuer_account_id", "session_issuer_user_name",
        "session_mfa_authenticated", "session_creation_date", "session_source_identity", "session_ec2_role_delivery",
        "actor",
        "request_parameters", "response_elements", "additional_event_data", "service_event_details", "resources",
        "resource_arns", "insight_details", "insight_state", "insight_type", "addendum", "edge_device_details",
        "user_identity",
        "source_file", "archive_org_id", "archive_account_id", "archive_region", "delivery_date", "record_index",
        "derived_fields",
    ]

    /// `"a", "b", ...`: the column list for SQL text.
    public static var quotedList: String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    /// The opt-in column after the flat ones (migration 003): the record as `jsonb`, filled by `load --keep-raw`.
    public static let raw = "raw"

    /// The COPY column list, with `raw` last when the load keeps raw records.
    public static func copyList(keepingRaw: Bool) -> String {
        keepingRaw ? quotedList + ", \"\(raw)\"" : quotedList
    }
}
