#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file-system walk behind `ArchiveDiscovery.discover()`: `opendir`/`readdir`/`fstatat`, depth first, one open
/// directory at a time, pruning directories outside the selection before opening them.
struct ArchiveWalker {
    /// Absolute root path without a trailing `/` (except for `/` itself).
    let root: String
    /// The root as the caller gave it, for errors.
    let givenRoot: String
    let selection: ArchiveSelection

    private(set) var eventFiles: [TrailFile] = []
    private(set) var digestFiles: [TrailFile] = []
    private(set) var skipped: [SkippedFile] = []
    /// Directories in the selection that could not be opened or read to the end.
    private(set) var unlisted: [SkippedFile] = []

    init(root: String, selection: ArchiveSelection) {
        self.root = Self.normalizedRoot(root)
        self.givenRoot = root
        self.selection = selection
    }

    /// Makes `path` absolute (against the working directory) and drops trailing `/`.
    static func normalizedRoot(_ path: String) -> String {
        var result = path
        if !result.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                result = cwd.hasSuffix("/") ? cwd + result : cwd + "/" + result
            }
        }
        while result.utf8.count > 1, result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// Walks the whole tree; only a problem with the root itself throws.
    mutating func run() throws(ArchiveError) {
        var info = stat()
        guard stat(root, &info) == 0 else {
            let code = errno
            throw ArchiveError(
                path: givenRoot, message: code == ENOENT ? "does not exist" : "cannot stat: \(Self.describe(code))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ArchiveError(path: givenRoot, message: "not a directory")
        }
        guard let handle = opendir(root) else {
            throw ArchiveError(path: givenRoot, message: "cannot read directory: \(Self.describe(errno))")
        }
        walk(handle, components: [], relativePath: "")
        sortResults()
    }

    // MARK: Walk

    private func absolutePath(_ relativePath: String) -> String {
        relativePath.isEmpty ? root : (root == "/" ? "/" + relativePath : root + "/" + relativePath)
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : directory + "/" + name
    }

    /// What one directory entry turned out to be.
    private enum EntryKind {
        /// A real directory: walked unless pruned.
        case directory
        /// A regular file, or a symbolic link to one, with its size, modification time and inode.
        case file(size: Int, modifiedNanos: Int64, inode: UInt64)
        /// A symbolic link to a directory: listed as skipped unless it sits in a pruned position.
        case linkToDirectory
        /// Anything else, with the reason it is skipped.
        case skipped(String)
    }

    private struct Entry {
        var name: String
        var kind: EntryKind

        /// Entries in this order make the depth-first walk emit paths in byte order: a directory `d` is compared as
        /// `d/`, the first bytes of every path below it.
        var sortKey: String {
            if case .directory = kind { return name + "/" }
            return name
        }
    }

    /// Reads one open directory (and closes it), then handles its entries in byte order, walking subdirectories.
    private mutating func walk(_ handle: OpaquePointer, components: [String], relativePath: String) {
        var entries = readEntries(handle, relativePath: relativePath)
        closedir(handle)
        entries.sort { Self.bytesPrecede($0.sortKey, $1.sortKey) }

        // Every file with a log-file name in one directory classifies the same way apart from its path,
        // so classify the directory once (see `ArchiveLayout.classifyFile`).
        var template: ArchiveDiscovery.PathKind?

        for entry in entries {
            let childPath = Self.join(relativePath, entry.name)
            switch entry.kind {
            case .file(let size, let modified, let inode):
                let kind: ArchiveDiscovery.PathKind
                if ArchiveLayout.hasLogFileName(entry.name) {
                    if template == nil {
                        let placeholder = "placeholder.json.gz"
                        template = ArchiveLayout.classifyFile(
                            components + [placeholder], relativePath: Self.join(relativePath, placeholder))
                    }
                    switch template! {
                    case .trailFile(var file):
                        file.relativePath = childPath
                        kind = .trailFile(file)
                    case .notTrail(let reason):
                        kind = .notTrail(reason: reason)
                    }
                } else {
                    kind = ArchiveLayout.classifyFile(components + [entry.name], relativePath: childPath)
                }
                handleFile(kind, path: childPath, size: size, modifiedNanos: modified, inode: inode)
            case .skipped(let reason):
                skip(childPath, reason)
            case .linkToDirectory:
                if ArchiveLayout.directoryVerdict(components + [entry.name], selection: selection) == .walk {
                    skip(childPath, "symbolic link to a directory is not followed")
                }
            case .directory:
                let childComponents = components + [entry.name]
                guard ArchiveLayout.directoryVerdict(childComponents, selection: selection) == .walk else { continue }
                guard let child = opendir(absolutePath(childPath)) else {
                    unlisted.append(SkippedFile(relativePath: childPath, reason: Self.unlistedReason(errno)))
                    continue
                }
                walk(child, components: childComponents, relativePath: childPath)
            }
        }
    }

    /// Lists an open directory, with `fstatat` where the entry type or a file size is needed.
    private mutating func readEntries(_ handle: OpaquePointer, relativePath: String) -> [Entry] {
        let fd = dirfd(handle)
        var entries: [Entry] = []

        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                let code = errno
                if code != 0 {
                    unlisted.append(
                        SkippedFile(relativePath: relativePath.isEmpty ? "." : relativePath, reason: Self.unlistedReason(code)))
                }
                break
            }
            let rawType = entry.pointee.d_type
            let decoded: String? = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    name -> String? in
                    if name[0] == 0x2E, name[1] == 0 || (name[1] == 0x2E && name[2] == 0) { return "" }  // . and ..
                    return String(validatingCString: name)
                }
            }
            guard let name = decoded else {
                let lossy = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                    tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                        String(cString: $0)
                    }
                }
                entries.append(Entry(name: lossy, kind: .skipped("name is not valid UTF-8")))
                continue
            }
            if name.isEmpty { continue }
            entries.append(Entry(name: name, kind: Self.kind(of: name, in: fd, dType: rawType)))
        }
        return entries
    }

    /// What `name` in the directory `fd` is, using the `readdir` type when known.
    private static func kind(of name: String, in fd: Int32, dType: UInt8) -> EntryKind {
        var info = stat()
        var type = Int32(dType)
        if type == Int32(DT_DIR) { return .directory }
        if type != Int32(DT_LNK) {
            // Regular files need their size; unknown types need a look.
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                return .skipped("cannot stat: \(describe(errno))")
            }
            type = direntType(info.st_mode)
        }
        switch type {
        case Int32(DT_DIR):
            return .directory
        case Int32(DT_REG):
            return .file(size: Int(info.st_size), modifiedNanos: stamp(info), inode: UInt64(info.st_ino))
        case Int32(DT_LNK):
            guard fstatat(fd, name, &info, 0) == 0 else {
                let code = errno
                switch code {
                case ENOENT: return .skipped("broken symbolic link (target does not exist)")
                case ELOOP: return .skipped("symbolic link loop")
                default: return .skipped("cannot stat symbolic link target: \(describe(code))")
                }
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .file(size: Int(info.st_size), modifiedNanos: stamp(info), inode: UInt64(info.st_ino))
            case S_IFDIR: return .linkToDirectory
            default: return .skipped("symbolic link to \(describeKind(info.st_mode)), not a regular file")
            }
        default:
            return .skipped("not a regular file (\(describeKind(info.st_mode)))")
        }
    }

    /// A classified regular file at `path`.
    private mutating func handleFile(
        _ kind: ArchiveDiscovery.PathKind, path: String, size: Int, modifiedNanos: Int64, inode: UInt64
    ) {
        switch kind {
        case .trailFile(var file):
            // Pruning already left out most files outside the selection; this catches the rest
            // (e.g. a nested `AWSLogs/` whose own account is not selected).
            guard ArchiveLayout.selectionContains(file, selection) else { return }
            file.size = size
            file.modifiedNanos = modifiedNanos
            file.inode = inode
            file.absolutePath = absolutePath(path)
            if file.folder == .digest {
                digestFiles.append(file)
            } else if size == 0 {
                skip(path, "empty file (0 bytes)")
            } else {
                eventFiles.append(file)
            }
        case .notTrail(let reason):
            skip(path, reason)
        }
    }

    /// "a FIFO", "a socket", … for reasons.
    private static func describeKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFLNK: "a symbolic link"
        default: "an unknown kind of file"
        }
    }

    private mutating func skip(_ path: String, _ reason: String) {
        skipped.append(SkippedFile(relativePath: path, reason: reason))
    }

    /// Why a directory's files were not seen.
    private static func unlistedReason(_ code: Int32) -> String {
        "cannot list directory: \(describe(code)) (its files were not read; the run is incomplete)"
    }

    private mutating func sortResults() {
        unlisted.sort { Self.bytesPrecede($0.relativePath, $1.relativePath) }
        eventFiles.sort { Self.bytesPrecede($0.relativePath, $1.relativePath) }
        digestFiles.sort { Self.bytesPrecede($0.relativePath, $1.relativePath) }
        skipped.sort { Self.bytesPrecede($0.relativePath, $1.relativePath) }
    }

    /// UTF-8 byte order (not `String`'s Unicode-canonical order), with `memcmp` on the native storage.
    static func bytesPrecede(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                let common = min(left.count, right.count)
                if common > 0, let l = left.baseAddress, let r = right.baseAddress {
                    let order = memcmp(l, r, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }

    // MARK: Helpers

    /// `st_mtim` in nanoseconds since 1970.
    private static func stamp(_ info: stat) -> Int64 {
        #if canImport(Darwin)
        Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
    }

    private static func direntType(_ mode: mode_t) -> Int32 {
        switch mode & S_IFMT {
        case S_IFDIR: Int32(DT_DIR)
        case S_IFREG: Int32(DT_REG)
        case S_IFLNK: Int32(DT_LNK)
        default: -1  // anything else: skipped
        }
    }

    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
