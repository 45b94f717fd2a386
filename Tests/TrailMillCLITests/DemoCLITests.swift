import Foundation
import Testing
import TrailMillTestSupport

/// `bash .ci/demo`, the README's first command, run with the debug binary (`TRAILMILL_BIN`) into a temporary folder
/// (`TRAILMILL_DEMO_OUT`): it must exit 0 after printing everything, including the first event of the output.
@Suite struct DemoCLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Issue 10, defect 8: `gzip -dc … | head -n 1` under `pipefail` made the demo exit 141 (SIGPIPE) once the
    /// output outgrew the pipe buffer.
    @Test func theDemoExitsZero() throws {
        let binary = try #require(CLIRunner.binary, "build the trailmill product first (swift build)")
        let out = try TemporaryDirectory("demo")
        defer { out.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.packageRoot + "/.ci/demo"]
        var environment = ProcessInfo.processInfo.environment
        environment["TRAILMILL_BIN"] = binary
        environment["TRAILMILL_DEMO_OUT"] = out.path
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "demo printed:\n\(printed)")
        #expect(printed.contains("First event:"))
        let lastLine = printed.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.hasPrefix("{\"schema_version\":1"), "last line: \(lastLine)")
    }
}
