import Foundation
import TrailMillTestSupport

/// A PostgreSQL server of the test's own, in a temporary directory on a Unix socket, so a test can stop and crash
/// it without disturbing the shared test server. Uses the same binaries as `.ci/postgres`.
final class PrivateCluster: @unchecked Sendable {
    let directory: TemporaryDirectory
    let port: Int
    private let bin: String

    /// Creates and starts a cluster (about a second).
    init() throws {
        let versions = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")
            .compactMap(Int.init).sorted()
        guard let version = versions.last else { throw ClusterError(message: "no /usr/lib/postgresql/*/bin") }
        bin = "/usr/lib/postgresql/\(version)/bin"
        directory = try TemporaryDirectory("pg")
        port = 56_000 + Int.random(in: 0..<4_000)
        chmod(directory.path, 0o755)
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres:", directory.path]) }
        try owner(bin + "/initdb", ["-D", directory.path + "/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"])
        try start()
    }

    deinit {
        try? owner(bin + "/pg_ctl", ["-D", directory.path + "/data", "-m", "immediate", "stop"])
        directory.remove()
    }

    /// A libpq connection string for the cluster.
    var conninfo: String { "host=\(directory.path) port=\(port) user=postgres dbname=postgres" }

    func start() throws {
        try owner(
            bin + "/pg_ctl",
            [
                "-D", directory.path + "/data", "-l", directory.path + "/server.log", "-w", "-t", "60", "-o",
                "-k \(directory.path) -p \(port) -c listen_addresses='' -c fsync=off", "start",
            ])
    }

    /// Stops the server the way a crash or `kill -9` would: no checkpoint, every session cut.
    func crash() throws {
        try owner(bin + "/pg_ctl", ["-D", directory.path + "/data", "-m", "immediate", "-w", "stop"])
    }

    private func owner(_ tool: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments)
        } else {
            try Self.run(tool, arguments)
        }
    }

    /// posix_spawn + waitpid: Foundation's `Process` was seen never to reap `runuser` here once `pg_ctl` had left a
    /// server running in the background.
    private static func run(_ tool: String, _ arguments: [String]) throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString).err").path
        defer { try? FileManager.default.removeItem(atPath: errors) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tool, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ClusterError(message: "\(tool): posix_spawn failed (\(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            let message = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw ClusterError(message: "\(tool) \(arguments.joined(separator: " ")) (status \(status)): \(message)")
        }
    }

    struct ClusterError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
