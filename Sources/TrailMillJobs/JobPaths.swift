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

    /// The directory part of `path` ("." when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
