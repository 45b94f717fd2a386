import Foundation
import Testing
import TrailMillEventStore
import TrailMillTestSupport

/// The binary's embedded migrations are the SQL files in Schemas/postgres (no server needed).
@Suite struct MigrationCatalogTests {
    @Test func embeddedMigrationsMatchTheSQLFiles() throws {
        let folder = RepositoryPaths.root + "/Schemas/postgres"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == Migration.all.map(\.name), "run `bash Schemas/postgres/embed`")
        for (file, migration) in zip(files, Migration.all) {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(
                text.trimmingCharacters(in: .newlines) == migration.sql.trimmingCharacters(in: .newlines),
                "\(file) differs from MigrationCatalog.swift: run `bash Schemas/postgres/embed`")
            #expect(Int(file.prefix(3)) == migration.version)
        }
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
    }
}

/// Migrations against the real server.
