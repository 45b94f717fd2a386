import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A Unix-socket proxy in front of the test server that can cut its clients off while keeping the server side of
/// every connection open: the client sees a lost connection, while its server session lives on (holding its locks),
/// as after a network partition the server has not noticed yet.
final class HalfOpenProxy: Sendable {
    /// The directory holding the proxy's socket: use it as libpq's `host`.
    let directory: String
    let port: String
    private let target: String
    private let listener: Int32
    /// Open connections; `cut` ones had their client side shut down (their descriptors stay allocated until
    /// `stop()`, so no new connection can reuse the numbers while a pump thread still holds them).
    private let connections = Mutex<[(client: Int32, server: Int32, cut: Bool)]>([])
    private let stopped = Atomic<Bool>(false)

    /// Listens in a fresh directory, forwarding to `<serverDirectory>/.s.PGSQL.<port>`.
    init(serverDirectory: String, port: String) throws {
        directory = NSTemporaryDirectory() + "tm-proxy-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.port = port
        target = serverDirectory + "/.s.PGSQL.\(port)"
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0, Self.withAddress(directory + "/.s.PGSQL.\(port)", { bind(listener, $0, $1) }) == 0,
            Glibc.listen(listener, 16) == 0
        else { throw ProxyError(message: "cannot listen: \(String(cString: strerror(errno)))") }
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// A libpq connection string through the proxy.
    var conninfo: String { "host=\(directory) port=\(port)" }

    /// Closes the client side of every open connection; the server sides stay open until ``stop()``.
    func cutClients() {
        connections.withLock { list in
            for index in list.indices where !list[index].cut {
                shutdown(list[index].client, Int32(SHUT_RDWR))
                list[index].cut = true
            }
        }
    }

    /// Stops accepting and shuts every connection down (the server then ends the orphaned sessions). Entries stay
    /// in the list (marked cut): pump threads still running look theirs up by index.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        connections.withLock { list in
            for index in list.indices {
                shutdown(list[index].client, Int32(SHUT_RDWR))
                shutdown(list[index].server, Int32(SHUT_RDWR))
                list[index].cut = true
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard server >= 0, Self.withAddress(target, { connect(server, $0, $1) }) == 0 else {
                close(client)
                continue
            }
            let index = connections.withLock { list in
                list.append((client, server, false))
                return list.count - 1
            }
            Thread { [self] in pump(from: client, to: server, index: index, clientToServer: true) }.start()
            Thread { [self] in pump(from: server, to: client, index: index, clientToServer: false) }.start()
        }
    }

    /// Copies bytes until either side ends. The server side is never closed here.
    private func pump(from source: Int32, to destination: Int32, index: Int, clientToServer: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes {
                    send(destination, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                }
                if written <= 0 { return }
                offset += written
            }
            if stopped.load(ordering: .relaxed) || connections.withLock({ $0[index].cut }) { return }
        }
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

struct ProxyError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
