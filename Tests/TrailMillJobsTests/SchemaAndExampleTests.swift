import Foundation
import Testing
import TrailMillArchive
import TrailMillJobs
import TrailMillPipeline
import TrailMillSIEM
import TrailMillTestSupport

/// `Schemas/job-v1.schema.json` accepts exactly the loader's keys, and every shipped job in `Jobs/` loads.
@Suite struct SchemaAndExampleTests {
    func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: JobTest.repository.appendingPathComponent("Schemas/job-v1.schema.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func schemaKeysEqualLoaderKeys() throws {
        let schema = try schema()
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["$ref"] as? String == "#/$defs/job")
        let defs = try #require(schema["$defs"] as? [String: Any])
        var objects: [String: Set<String>] = [:]
        for (name, value) in defs {
            guard let def = value as? [String: Any], let properties = def["properties"] as? [String: Any] else {
                continue
            }
            #expect(def["additionalProperties"] as? Bool == false, "$defs/\(name) must set additionalProperties: false")
            objects[name] = Set(properties.keys)
        }
        #expect(objects == JobKeys.all)
        // The docs describe every key too.
        let docs = try String(
            contentsOf: JobTest.repository.appendingPathComponent("Schemas/job-v1.md"), encoding: .utf8)
        for key in JobKeys.all.values.reduce(into: Set<String>(), { $0.formUnion($1) }) {
            #expect(docs.contains("`\(key)`"), "Schemas/job-v1.md does not mention `\(key)`")
        }
    }

    @Test func schemaSinkTypesMatch() throws {
        let defs = try #require(try schema()["$defs"] as? [String: Any])
        for type in SinkType.allCases {
            let def = try #require(defs["sink_\(type.rawValue)"] as? [String: Any])
            let properties = try #require(def["properties"] as? [String: Any])
            let typeProperty = try #require(properties["type"] as? [String: Any])
            #expect(typeProperty["const"] as? String == type.rawValue)
        }
    }

    @Test(arguments: ["nightly-postgres.yaml", "nightly-siem-cef.yaml", "backfill-2026-q1.yaml"])
    func shippedJobsLoad(file: String) throws {
        let temp = try TemporaryDirectory("trailmill-jobs")
        defer { temp.remove() }
        let environment = [
            "TRAILMILL_SOURCE": JobTest.repository.appendingPathComponent("Tests/Fixtures/sample-archive").path,
            "TRAILMILL_OUTPUT": temp.path + "/out", "TRAILMILL_STATE_DIR": temp.path + "/state",
            "TRAILMILL_DATABASE": "postgresql://trailmill:pw@localhost/trailmill_test",
        ]
        let path = JobTest.repository.appendingPathComponent("Jobs/\(file)").path
        let job = try JobLoader(environment: environment).load(path: path)
        #expect(job.name + ".yaml" == file)
        #expect(job.sourcePath.hasSuffix("/Tests/Fixtures/sample-archive"))
        #expect(job.statePath == temp.path + "/state/\(job.name).sqlite")
        #expect(job.summaryPath?.hasPrefix(temp.path + "/state/") == true)
        for sink in job.fileSinks { #expect(sink.directory == temp.path + "/out") }
        #expect(!"\(job)".contains("pw@"))

        // Run on the day after the fixture's last delivery day, the selection covers the fixture's files.
        let today = try #require(CivilDate(year: 2026, month: 1, day: 17))
        let found = try ArchiveDiscovery(root: job.sourcePath, selection: job.archiveSelection(today: today)).discover()
        #expect(found.eventFiles.count >= 20, "\(found.eventFiles.count)")
    }

    @Test func shippedJobsUseTheirDefaultsWithoutEnvironment() throws {
        let path = JobTest.repository.appendingPathComponent("Jobs/nightly-siem-cef.yaml").path
        let job = try JobLoader(environment: [:]).load(path: path)
        #expect(job.sourcePath == "/data/cloudtrail")
        #expect(job.fileSinks.first?.directory == "/var/spool/siem/cloudtrail")
        #expect(job.fileSinks.first?.syslog == .rfc5424 && job.fileSinks.first?.format == .cef)
        let backfill = try JobLoader(environment: [:]).load(
            path: JobTest.repository.appendingPathComponent("Jobs/backfill-2026-q1.yaml").path)
        let from = try #require(CivilDate(year: 2026, month: 1, day: 1))
        let to = try #require(CivilDate(year: 2026, month: 3, day: 31))
        #expect(backfill.selection.window == .range(from...to))
        #expect(backfill.fileSinks.first?.gzip == true && backfill.fileSinks.first?.format == .flat)
    }

    @Test func everyFileInJobsLoads() throws {
        let directory = JobTest.repository.appendingPathComponent("Jobs")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".yaml") || $0.hasSuffix(".yml")
        }
        #expect(files.count >= 3)
        let temp = try TemporaryDirectory("trailmill-jobs")
        defer { temp.remove() }
        let loader = JobLoader(environment: [
            "TRAILMILL_SOURCE": temp.path, "TRAILMILL_OUTPUT": temp.path + "/out", "TRAILMILL_STATE_DIR": temp.path,
        ])
        for file in files {
            #expect(throws: Never.self, "\(file)") {
                _ = try loader.load(path: directory.appendingPathComponent(file).path)
            }
        }
    }
}
