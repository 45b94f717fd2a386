// Phase I: one engine pass feeding three sinks against three single-sink passes over the same archive: each file is
// decoded once per pass, so the one pass should cost about one decode plus three encodings and writes.

import Foundation
import Logging
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres

#if canImport(Glibc)
import Glibc
#endif

enum MultiSinkPhase {
    static let schema = "trailmill_bench_sinks"

    /// The sinks: flat NDJSON and CEF files on `outputRoot`, and PostgreSQL when `usePostgres` (at `conninfo`, nil =
    /// libpq's environment; else LEEF files), as a job with an NDJSON, a CEF and a PostgreSQL sink has.
    static func run(
        archive: String, outputRoot: String, work: String, usePostgres: Bool, conninfo: String?, jobs: Int,
        logger: Logger
    ) {
        let admin: PostgresConnection?
        if usePostgres {
            do {
                admin = try PostgresConnection(conninfo: conninfo)
            } catch {
                print("I  PostgreSQL unavailable (\(error)); using a LEEF file sink instead")
                admin = nil
            }
        } else {
            admin = nil
        }
        let third = admin == nil ? "leef files" : "postgres"
        print("I  one pass with three sinks (flat, cef, \(third)) vs three single-sink passes; \(jobs) workers")

        func sinks(_ names: [String]) throws -> [any EventSink] {
            try names.map { name -> any EventSink in
                switch name {
                case "postgres":
                    guard let admin else { throw BenchFailure("no database") }
                    try admin.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(schema)) CASCADE")
                    try Migrator(connection: admin, schema: schema).migrate()
                    var target = PostgresTarget(conninfo: conninfo)
                    target.schema = schema
                    return PostgresEventSink(name: name, target: target, logger: logger)
                default:
                    let format: OutputFormat = name == "cef" ? .cef : name == "leef" ? .leef : .flat
                    let directory = outputRoot + "/" + name
                    try? FileManager.default.removeItem(atPath: directory)
                    return FileOutputSink(name: name, output: FileOutput(directory: directory, stem: "bench", format: format))
                }
            }
        }

        func pass(_ names: [String]) -> (wall: Double, cpu: Double, decoded: Int)? {
            var control = RunControl()
            control.jobs = jobs
            control.spillDirectory = work
            do {
                let engine = RunEngine(input: InputSelection(root: archive), control: control, sinks: try sinks(names), logger: logger)
                let cpuBefore = ProcessCPU.seconds()
                let clock = ContinuousClock()
                let started = clock.now
                let outcome = try engine.run()
                let wall = (clock.now - started) / .seconds(1)
                let cpu = ProcessCPU.seconds() - cpuBefore
                for (index, sink) in outcome.sinks.enumerated() where sink.failure != nil || !sink.dead.isEmpty {
                    print("   \(names[index]): failure \(sink.failure?.message ?? "none"), \(sink.dead.count) dead")
                }
                return (wall, cpu, outcome.filesDecoded)
            } catch {
                print("I  pass \(names) failed: \(error)")
                return nil
            }
        }

        let names = ["flat", "cef", admin == nil ? "leef" : "postgres"]
        // Interleaved twice, so a noisy neighbour hits both sides alike.
        var together: [(wall: Double, cpu: Double, decoded: Int)] = []
        var apart: [(wall: Double, cpu: Double, decoded: Int)] = []
        for _ in 0..<2 {
            guard let one = pass(names) else { return }
            together.append(one)
            var sum = (wall: 0.0, cpu: 0.0, decoded: 0)
            for name in names {
                guard let single = pass([name]) else { return }
                sum = (sum.wall + single.wall, sum.cpu + single.cpu, sum.decoded + single.decoded)
            }
            apart.append(sum)
        }
        let bestTogether = together.min { $0.cpu < $1.cpu }!
        let bestApart = apart.min { $0.cpu < $1.cpu }!
        print(
            "I1 one pass, 3 sinks: \(Bench.fixed(bestTogether.wall, 2)) s wall, \(Bench.fixed(bestTogether.cpu, 2)) s CPU, "
                + "\(bestTogether.decoded) files decoded")
        print(
            "I2 three passes:      \(Bench.fixed(bestApart.wall, 2)) s wall, \(Bench.fixed(bestApart.cpu, 2)) s CPU, "
                + "\(bestApart.decoded) files decoded")
        print(
            "I  one pass costs \(Bench.fixed(bestTogether.cpu / bestApart.cpu, 2))× the CPU and "
                + "\(Bench.fixed(bestTogether.wall / bestApart.wall, 2))× the wall time of three passes (best of 2 each)")
        try? FileManager.default.removeItem(atPath: outputRoot)
        if let admin { try? admin.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(schema)) CASCADE") }
    }
}

/// This process's user + system CPU seconds so far (all threads).
enum ProcessCPU {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
