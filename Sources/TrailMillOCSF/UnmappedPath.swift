import TrailMillDecoding
import TrailMillNormalize

/// Writes the `unmapped` member lazily: an object on the path (`unmapped`, then e.g. `userIdentity`,
/// `sessionContext`) is opened only when the first leftover member under it is written, so an event with nothing
/// left over has no `unmapped` at all, and a partly mapped object with nothing left over leaves no empty `{}`.
///
/// Keys and values are copied as written in the record (escapes, number spellings), on one line.
struct UnmappedPath {
    /// The keys of the objects below `unmapped` that are entered (not necessarily opened yet).
    private var keys: [JSONSlice] = []
    /// How many levels are open on the output, counting `unmapped` itself as level 1.
    private var opened = 0
    /// Whether the innermost open object already has a member (so the next needs a comma).
    private var hasMembers: [Bool] = []

    init() {
        keys.reserveCapacity(8)
        hasMembers.reserveCapacity(8)
    }

    /// A placeholder that owns no storage, to hold in the scratch while the real path is in use.
    static let empty = UnmappedPath(reserving: false)

    private init(reserving: Bool) {}

    /// Starts a new event's `unmapped` member (nothing is written yet).
    mutating func reset() {
        keys.removeAll(keepingCapacity: true)
        hasMembers.removeAll(keepingCapacity: true)
        opened = 0
    }

    /// Enters the object under `key` (a key slice of the record).
    mutating func enter(_ key: JSONSlice) { keys.append(key) }

    /// Leaves the innermost entered object, closing it on the output if it was opened.
    mutating func leave(to out: OutputBuffer) {
        if opened == keys.count + 1 {
            out.append(UInt8(ascii: "}"))
            opened -= 1
            hasMembers.removeLast()
        }
        keys.removeLast()
    }

    /// Writes one leftover member: its key and value as written in the record.
    mutating func write(key: JSONSlice, value: JSONSlice, bytes: UnsafeRawBufferPointer, compact: Bool, to out: OutputBuffer) {
        open(bytes: bytes, compact: compact, to: out)
        separate(out)
        JSONOutput.appendText(bytes, key, compact: compact, to: out)
        out.append(UInt8(ascii: ":"))
        JSONOutput.appendValue(bytes, value, compact: compact, to: out)
    }

    /// Closes whatever is still open (the `unmapped` object itself included).
    mutating func finish(to out: OutputBuffer) {
        while opened > 0 {
            out.append(UInt8(ascii: "}"))
            opened -= 1
        }
        reset()
    }

    private mutating func open(bytes: UnsafeRawBufferPointer, compact: Bool, to out: OutputBuffer) {
        if opened == 0 {
            out.append(#","unmapped":{"#)
            opened = 1
            hasMembers.append(false)
        }
        while opened <= keys.count {
            separate(out)
            JSONOutput.appendText(bytes, keys[opened - 1], compact: compact, to: out)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: "{"))
            opened += 1
            hasMembers.append(false)
        }
    }

    private mutating func separate(_ out: OutputBuffer) {
        if hasMembers[hasMembers.count - 1] { out.append(UInt8(ascii: ",")) }
        hasMembers[hasMembers.count - 1] = true
    }
}
