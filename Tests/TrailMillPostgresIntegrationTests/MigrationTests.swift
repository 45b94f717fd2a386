import Foundation
import Testing
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres
import TrailMillTestSupport

@Suite(.enabled(if: serverAvailable, noServerReason))
struct MigrationTests {
    @Test func migratesFromEmptyAndReappliesAsANoOp() throws {
        let schema = try TestSchema(migrated: false)
        let migrator = Migrator(connection: schema.connection, schema: schema.name)
        let before = try migrator.status()
        #expect(before.applied.isEmpty && before.pending.count == Migration.all.count)
        #expect(before.loadBlocker?.contains("has no TrailMill tables") == true)

        #expect(try migrator.migrate().map(\.name) == Migration.all.map(\.name))
        let after = try migrator.status()
        #expect(after.isCurrent && after.loadBlocker == nil && after.version == Migration.latestVersion)
        #expect(after.applied.allSatisfy { !$0.edited })

        #expect(try migrator.migrate().isEmpty)
        #expect(try schema.count("schema_migrations") == Migration.all.count)
    }

    @Test func theEventsTableHasTheEncodersColumnsInOrderWithRealTypes() throws {
        let schema = try TestSchema()
        let rows = try schema.connection.query(
            """
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = $1::text AND table_name = 'events' ORDER BY ordinal_position
            """, parameters: [schema.name])
        #expect(rows.map { $0[0] ?? "" } == EventColumns.names + [EventColumns.raw])
        let types = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] ?? "", $0[1] ?? "") })
        #expect(types["event_time"] == "timestamp with time zone")
        #expect(types["read_only"] == "boolean")
        #expect(types["source_ip"] == "inet")
        #expect(types["request_parameters"] == "jsonb" && types["user_identity"] == "jsonb")
        #expect(types["resource_arns"] == "ARRAY")
        let key = try schema.value(
            """
            SELECT pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = to_regclass(format('%I.events', $1::text)) AND contype = 'p'
            """, [schema.name])
        #expect(key == "PRIMARY KEY (event_time, event_id, recipient_account_id)")
        let partitioning = try schema.value(
            "SELECT pg_get_partkeydef(to_regclass(format('%I.events', $1::text)))", [schema.name])
        #expect(partitioning == "RANGE (event_time)")
        let indexes = try schema.connection.query(
            "SELECT indexname FROM pg_indexes WHERE schemaname = $1::text AND tablename = 'events' ORDER BY 1",
            parameters: [schema.name]
        ).map { $0[0] ?? "" }
        // 001's, then 003's for `trailmill history`.
        #expect(indexes == [
            "events_access_key_time", "events_actor_time", "events_errors_time", "events_event_id", "events_event_name_time",
            "events_event_source_time", "events_pkey", "events_read_only_time", "events_resource_names",
            "events_resource_types", "events_source_ip_time", "events_user_arn_time", "events_user_name_time",
        ])
    }

    @Test func loadRefusesAnUnmigratedOrNewerSchemaAndMigratesWhenAsked() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record()])
        let schema = try TestSchema(migrated: false)
        do {
            _ = try schema.load(archive.root.path)
            Issue.record("loaded into an unmigrated schema")
        } catch {
            #expect(!error.isLockBusy)
            #expect(error.message.contains("has no TrailMill tables") && error.message.contains("--migrate"))
        }
        #expect(try schema.load(archive.root.path) { $0.migrate = true }.events.written == 1)

        _ = try schema.connection.query(
            "INSERT INTO \(schema.quoted).schema_migrations (version, name, checksum) VALUES (99, '099_future', 'x')")
        do {
            _ = try schema.load(archive.root.path)
            Issue.record("loaded into a newer schema")
        } catch {
            #expect(error.message.contains("newer than this trailmill"))
        }
    }

    @Test func anEditedMigrationIsReported() throws {
        let schema = try TestSchema()
        _ = try schema.connection.query(
            "UPDATE \(schema.quoted).schema_migrations SET checksum = 'edited' WHERE version = 1")
        let status = try Migrator(connection: schema.connection, schema: schema.name).status()
        #expect(status.applied.first?.edited == true && status.applied.last?.edited == false)
    }
}
