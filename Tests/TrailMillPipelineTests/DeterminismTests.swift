import Foundation
import Testing
import TrailMillPipeline
import TrailMillSynth
import TrailMillTestSupport

/// The lines written do not depend on --jobs; rotation and gzip keep every line.
@Suite struct DeterminismTests {
    func synthArchive(org: String? = nil) throws -> (TemporaryDirectory, SyntheticArchiveManifest) {
        let root = try TemporaryDirectory("synth")
        var options = SyntheticArchiveOptions()
        options.accounts = 2
        options.regions = 3
        options.days = 2
        options.filesPerDay = 3
        options.eventsPerFile = 30
        options.organizationID = org
        options.insightsPerDay = 1
        return (root, try SyntheticArchive.write(to: root.path, options: options))
    }

    @Test func outputIsIdenticalForOneTwoAndFourJobs() throws {
        let (root, manifest) = try synthArchive(org: "o-abcdefghij")
        defer { root.remove() }
        var outputs: [[[UInt8]]] = []
        for jobs in [1, 2, 4] {
            let (summary, output) = try runExport(root, jobs: jobs)
            defer { output.remove() }
            #expect(summary.events.written == manifest.distinctEvents)
            #expect(summary.events.read == manifest.records)
            #expect(summary.files.done == manifest.files)
            outputs.append(try OutputReader.rawLines(in: output.path))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0] == outputs[2])
    }

    @Test func rotationAndGzipKeepEveryLineExactlyOnce() throws {
        let (root, manifest) = try synthArchive()
        defer { root.remove() }
        let (plainSummary, plain) = try runExport(root)
        defer { plain.remove() }
        let (summary, output) = try runExport(root) {
            $0.output.gzip = true
            $0.output.maxBytesPerFile = 64 << 10
        }
        defer { output.remove() }
        #expect(summary.outputs.count > 5)
        #expect(summary.outputs.allSatisfy { $0.path.hasSuffix(".ndjson.gz") })
        #expect(summary.outputs.reduce(0) { $0 + $1.events } == manifest.distinctEvents)
        #expect(try OutputReader.rawLines(in: output.path) == OutputReader.rawLines(in: plain.path))
        #expect(plainSummary.outputs.count == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func linesSpilledToDiskComeOutExactlyAsFromMemory() throws {
        let (root, manifest) = try synthArchive(org: "o-abcdefghij")
        defer { root.remove() }
        let (_, memory) = try runExport(root)
        defer { memory.remove() }
        // A 1-byte threshold spills after every line; 3000 bytes spills every few lines.
        for threshold in [1, 3000] {
            let (summary, spilled) = try runExport(root) { $0.spillThresholdBytes = threshold }
            defer { spilled.remove() }
            #expect(summary.events.written == manifest.distinctEvents)
            #expect(summary.files.dead == 0)
            #expect(try OutputReader.rawLines(in: spilled.path) == OutputReader.rawLines(in: memory.path))
            // Spill files are unlinked at creation: nothing is left in the output directory.
            let hidden = try FileManager.default.contentsOfDirectory(atPath: spilled.path).filter { $0.hasPrefix(".") }
            #expect(hidden.isEmpty)
        }
    }

    @Test func rawFormatWritesEachRecordOnceOnOneLine() throws {
        let (root, manifest) = try synthArchive()
        defer { root.remove() }
        let (summary, output) = try runExport(root) { $0.format = .raw }
        defer { output.remove() }
        let objects = try OutputReader.objects(in: output.path)
        #expect(objects.count == manifest.distinctEvents && summary.events.written == objects.count)
        #expect(objects.allSatisfy { $0["eventVersion"] != nil && $0["schema_version"] == nil })
    }

    @Test func everyFlatLineCarriesTheRequiredColumns() throws {
        let (root, _) = try synthArchive()
        defer { root.remove() }
        let (_, output) = try runExport(root)
        defer { output.remove() }
        let required = ["schema_version", "recipient_account_id", "event_time", "outcome", "source_file",
                        "archive_account_id", "archive_region", "delivery_date", "record_index"]
        for object in try OutputReader.objects(in: output.path) {
            for column in required { #expect(object[column] != nil, "missing \(column)") }
        }
    }
}
