/// Lexical path handling for job files (no file-system access, symbolic links untouched).
enum JobPaths {
    /// `path` made absolute against `directory` (itself absolute), with `.`, `..` and repeated `/` removed.
    static func resolve(_ path: String, against directory: String) -> String {
        normalize(path.hasPrefix("/") ? path : "\(directory)/\(path)")
    }

    /// Removes `.` and empty components and applies `..` lexically; `..` above the root stays at the root.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Where a job's state and lock go when its file names no `state`: `$XDG_STATE_HOME/trailmill` when set;
    /// else `/var/lib/trailmill` for root (systemd's `StateDirectory=trailmill`); else
    /// `$HOME/.local/state/trailmill` (the XDG default), or `/var/lib/trailmill` without a home. Never beside the
    /// job file (often in a read-only `/etc`).
    static func defaultStateDirectory(environment: [String: String], isRoot: Bool) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return normalize(state + "/trailmill") }
        if !isRoot, let home = environment["HOME"], home.hasPrefix("/"), home != "/" {
            return normalize(home + "/.local/state/trailmill")
        }
        return "/var/lib/trailmill"
    }

    /// The directory part of `path` ("." when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
