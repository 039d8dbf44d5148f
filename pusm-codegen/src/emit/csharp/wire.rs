//! The per-file helper class (`RobotWire`) and the schema-mismatch exception.
//!
//! The helpers call only the original package's primitives on the memory
//! (`ReadBool`, `ReadInt32`, `ReadFloat32`, `ReadBytes`, `WriteBytes`), so
//! generated code runs on it as on pusm's runtime. Values go to and from
//! byte arrays little-endian by shifts, floats through an explicit-layout
//! union: no `unsafe`, no allocation, whatever the machine's byte order.

use std::collections::BTreeSet;

use pusm_schema::{Item, TypeId};

use super::text::summary_raw;
use super::{FileEmitter, INVALID_DATA, MEMORY};
use crate::emit::writer::Writer;
use crate::names::unique;

/// A group of helpers of the per-file wire class, emitted only when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Helper {
    /// Byte-array access, the write buffer, fetching runs.
    Core,
    /// Checking a fingerprint.
    Fingerprint,
    /// Lengths and element counts.
    Count,
    /// The byte size of a list of fixed-size elements.
    Span,
    /// Null checks.
    NotNull,
    /// Fixed-array length checks.
    CheckLength,
    /// Strict UTF-8 strings.
    String,
    /// Byte arrays.
    Bytes,
    /// Validating an enum value.
    Enum(TypeId),
}

/// Members of the per-file wire class (besides one converter per enum).
const WIRE_MEMBERS: &[&str] = &[
    "FloatBits",
    "PutBool",
    "PutInt32",
    "PutFloat32",
    "GetBool",
    "GetInt32",
    "GetFloat32",
    "ProbeFrom",
    "Probe",
    "Fill",
    "Fetch",
    "Buffer",
    "_buffer",
    "_scratch",
    "_chars",
    "CheckFingerprint",
    "MaxPreallocated",
    "InitialCapacity",
    "Count",
    "Span",
    "NotNull",
    "CheckLength",
    "Utf8",
    "Utf8Length",
    "PutString",
    "GetString",
    "PutBytes",
    "GetBytes",
];

/// The name of the wire-class method that checks an int is a value of the
/// enum named `name` (`ToCommand`; `ToCommand_` if that were taken).
pub(super) fn enum_reader(name: &str) -> String {
    let taken: BTreeSet<String> = WIRE_MEMBERS.iter().map(|name| (*name).to_owned()).collect();
    unique(format!("To{name}"), &taken)
}

const CORE: &[&str] = &[
    "/// <summary>The bits of a float32 as an int32, without unsafe code or allocation.</summary>",
    "[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Explicit)]",
    "private struct FloatBits",
    "{",
    "    [global::System.Runtime.InteropServices.FieldOffset(0)] public float Float;",
    "    [global::System.Runtime.InteropServices.FieldOffset(0)] public int Int;",
    "}",
    "",
    "/// <summary>Ranges longer than this are probed at their last byte before a buffer is allocated for them.</summary>",
    "private const int ProbeFrom = 4096;",
    "",
    "/// <summary>The write buffer of this thread: reused while messages keep the same length.</summary>",
    "[global::System.ThreadStatic]",
    "private static byte[] _buffer;",
    "",
    "/// <summary>The read buffer of this thread, for pooled reads.</summary>",
    "[global::System.ThreadStatic]",
    "private static byte[] _scratch;",
    "",
    "internal static void PutBool(byte[] buffer, int at, bool value)",
    "{",
    "    buffer[at] = value ? (byte)1 : (byte)0;",
    "}",
    "",
    "internal static void PutInt32(byte[] buffer, int at, int value)",
    "{",
    "    buffer[at] = (byte)value;",
    "    buffer[at + 1] = (byte)(value >> 8);",
    "    buffer[at + 2] = (byte)(value >> 16);",
    "    buffer[at + 3] = (byte)(value >> 24);",
    "}",
    "",
    "internal static void PutFloat32(byte[] buffer, int at, float value)",
    "{",
    "    var bits = new FloatBits();",
    "    bits.Float = value;",
    "    PutInt32(buffer, at, bits.Int);",
    "}",
    "",
    "internal static bool GetBool(byte[] run, int at)",
    "{",
    "    return run[at] != 0;",
    "}",
    "",
    "internal static int GetInt32(byte[] run, int at)",
    "{",
    "    return run[at] | (run[at + 1] << 8) | (run[at + 2] << 16) | (run[at + 3] << 24);",
    "}",
    "",
    "internal static float GetFloat32(byte[] run, int at)",
    "{",
    "    var bits = new FloatBits();",
    "    bits.Int = GetInt32(run, at);",
    "    return bits.Float;",
    "}",
    "",
    "/// <summary>An array of exactly <paramref name=\"length\"/> bytes to encode a message into.</summary>",
    "internal static byte[] Buffer(int length)",
    "{",
    "    var buffer = _buffer;",
    "    if (buffer == null || buffer.Length != length)",
    "    {",
    "        buffer = new byte[length];",
    "        _buffer = buffer;",
    "    }",
    "    return buffer;",
    "}",
    "",
    "/// <summary>Reads the last byte of a long range first: a corrupted length fails on the bytes,",
    "/// not on an allocation.</summary>",
    "private static void Probe(MEMORY sm, int offset, int length)",
    "{",
    "    if (length > ProbeFrom)",
    "    {",
    "        sm.ReadBool(unchecked(offset + length - 1));",
    "    }",
    "}",
    "",
    "/// <summary>Copies <paramref name=\"length\"/> bytes at <paramref name=\"offset\"/> into <paramref name=\"into\"/>",
    "/// with primitive reads, which allocate nothing (ReadBytes returns a new array).</summary>",
    "internal static void Fill(MEMORY sm, int offset, byte[] into, int length)",
    "{",
    "    int i = 0;",
    "    for (; i + 4 <= length; i += 4)",
    "    {",
    "        PutInt32(into, i, sm.ReadInt32(offset + i).Item1);",
    "    }",
    "    if (i == length)",
    "    {",
    "        return;",
    "    }",
    "    if (length >= 4)",
    "    {",
    "        PutInt32(into, length - 4, sm.ReadInt32(offset + length - 4).Item1);",
    "    }",
    "    else if (offset + length >= 4)",
    "    {",
    "        int word = sm.ReadInt32(offset + length - 4).Item1;",
    "        for (int j = 0; j < length; j++)",
    "        {",
    "            into[j] = (byte)(word >> (8 * (4 - length + j)));",
    "        }",
    "    }",
    "    else",
    "    {",
    "        global::System.Buffer.BlockCopy(sm.ReadBytes(offset, length).Item1, 0, into, 0, length);",
    "    }",
    "}",
    "",
    "/// <summary>The <paramref name=\"length\"/> bytes at <paramref name=\"offset\"/>: a new array from ReadBytes,",
    "/// or (<paramref name=\"pooled\"/>) this thread's read buffer, which may be longer.</summary>",
    "internal static byte[] Fetch(MEMORY sm, int offset, int length, bool pooled)",
    "{",
    "    if (!pooled)",
    "    {",
    "        Probe(sm, offset, length);",
    "        return sm.ReadBytes(offset, length).Item1;",
    "    }",
    "    var scratch = _scratch;",
    "    if (scratch == null || scratch.Length < length)",
    "    {",
    "        Probe(sm, offset, length);",
    "        scratch = new byte[length < 64 ? 64 : length];",
    "        _scratch = scratch;",
    "    }",
    "    Fill(sm, offset, scratch, length);",
    "    return scratch;",
    "}",
];

const COUNT: &[&str] = &[
    "/// <summary>The most list elements a read reserves room for before reading them:",
    "/// a corrupted count must fail on the bytes, not on an allocation.</summary>",
    "private const int MaxPreallocated = 4096;",
    "",
    "/// <summary>The capacity to give a list of <paramref name=\"count\"/> elements before reading them.</summary>",
    "internal static int InitialCapacity(int count)",
    "{",
    "    return count < MaxPreallocated ? count : MaxPreallocated;",
    "}",
    "",
    "/// <summary>A length or an element count read at <paramref name=\"offset\"/>; a negative one is an error.</summary>",
    "internal static int Count(int count, string place, int offset)",
    "{",
    "    if (count < 0)",
    "    {",
    "        throw new INVALID_DATA(place + \": negative length \" + count + \" at offset \" + offset);",
    "    }",
    "    return count;",
    "}",
];

const SPAN: &[&str] = &[
    "/// <summary>The bytes of <paramref name=\"count\"/> elements of <paramref name=\"size\"/> bytes each.</summary>",
    "internal static int Span(int count, int size, string place, int offset)",
    "{",
    "    long bytes = (long)count * size;",
    "    if (bytes > int.MaxValue)",
    "    {",
    "        throw new INVALID_DATA(place + \": \" + count + \" elements of \" + size + \" bytes at offset \" + offset",
    "            + \" are larger than any memory\");",
    "    }",
    "    return (int)bytes;",
    "}",
];

const NOT_NULL: &[&str] = &[
    "/// <summary>Throws when <paramref name=\"value\"/> is null.</summary>",
    "internal static T NotNull<T>(T value, string place) where T : class",
    "{",
    "    if (value == null)",
    "    {",
    "        throw new global::System.ArgumentNullException(place, place + \" is null\");",
    "    }",
    "    return value;",
    "}",
];

const CHECK_LENGTH: &[&str] = &[
    "/// <summary>Throws unless <paramref name=\"array\"/> has exactly <paramref name=\"length\"/> elements.</summary>",
    "internal static T[] CheckLength<T>(T[] array, int length, string place)",
    "{",
    "    if (array == null || array.Length != length)",
    "    {",
    "        var found = array == null ? \"null\" : array.Length + \" elements\";",
    "        throw new global::System.ArgumentException(",
    "            place + \" must have exactly \" + length + \" elements, found \" + found, place);",
    "    }",
    "    return array;",
    "}",
];

const STRING: &[&str] = &[
    "/// <summary>UTF-8 without a byte order mark, throwing on invalid bytes instead of replacing them.</summary>",
    "private static readonly global::System.Text.UTF8Encoding Utf8 = new global::System.Text.UTF8Encoding(false, true);",
    "",
    "/// <summary>The decode buffer of this thread, for strings.</summary>",
    "[global::System.ThreadStatic]",
    "private static char[] _chars;",
    "",
    "/// <summary>The UTF-8 byte count of <paramref name=\"value\"/>, which must not be null.</summary>",
    "internal static int Utf8Length(string value, string place)",
    "{",
    "    if (value == null)",
    "    {",
    "        throw new global::System.ArgumentNullException(place, place + \" is null (use \\\"\\\" for no text)\");",
    "    }",
    "    return Utf8.GetByteCount(value);",
    "}",
    "",
    "/// <summary>Encodes the UTF-8 bytes of <paramref name=\"value\"/> at <paramref name=\"at\"/> and their",
    "/// count in the 4 bytes before (the length prefix, at the end of the run before).</summary>",
    "internal static int PutString(byte[] buffer, int at, string value, string place)",
    "{",
    "    Utf8Length(value, place);",
    "    int length = Utf8.GetBytes(value, 0, value.Length, buffer, at);",
    "    PutInt32(buffer, at - 4, length);",
    "    return at + length;",
    "}",
    "",
    "/// <summary>Decodes the <paramref name=\"length\"/> bytes of UTF-8 at index <paramref name=\"at\"/> of",
    "/// <paramref name=\"run\"/>; returns <paramref name=\"existing\"/> when it is the same text, so an",
    "/// unchanged string allocates nothing. <paramref name=\"offset\"/> is the length's, for errors.</summary>",
    "internal static string GetString(byte[] run, int at, int length, string existing, string place, int offset)",
    "{",
    "    int count;",
    "    var chars = _chars;",
    "    try",
    "    {",
    "        count = Utf8.GetCharCount(run, at, length);",
    "        if (chars == null || chars.Length < count)",
    "        {",
    "            chars = new char[count < 64 ? 64 : count];",
    "            _chars = chars;",
    "        }",
    "        Utf8.GetChars(run, at, length, chars, 0);",
    "    }",
    "    catch (global::System.ArgumentException error)",
    "    {",
    "        throw new INVALID_DATA(place + \": invalid UTF-8 in the string at offset \" + offset, error);",
    "    }",
    "    if (existing != null && existing.Length == count)",
    "    {",
    "        int i = 0;",
    "        while (i < count && existing[i] == chars[i])",
    "        {",
    "            i++;",
    "        }",
    "        if (i == count)",
    "        {",
    "            return existing;",
    "        }",
    "    }",
    "    return new string(chars, 0, count);",
    "}",
];

const BYTES: &[&str] = &[
    "/// <summary>Encodes the bytes at <paramref name=\"at\"/> and their count in the 4 bytes before.</summary>",
    "internal static int PutBytes(byte[] buffer, int at, byte[] value, string place)",
    "{",
    "    NotNull(value, place);",
    "    PutInt32(buffer, at - 4, value.Length);",
    "    global::System.Buffer.BlockCopy(value, 0, buffer, at, value.Length);",
    "    return at + value.Length;",
    "}",
    "",
    "/// <summary>The <paramref name=\"length\"/> bytes at index <paramref name=\"at\"/> of <paramref name=\"run\"/>,",
    "/// in <paramref name=\"existing\"/> when it has that length. A run that is exactly these bytes, read",
    "/// by ReadBytes rather than into this thread's buffer, is the value itself: no second copy.</summary>",
    "internal static byte[] GetBytes(byte[] run, int at, int length, byte[] existing)",
    "{",
    "    bool fits = existing != null && existing.Length == length;",
    "    if (!fits && at == 0 && run.Length == length && run != _scratch)",
    "    {",
    "        return run;",
    "    }",
    "    if (!fits)",
    "    {",
    "        existing = new byte[length];",
    "    }",
    "    global::System.Buffer.BlockCopy(run, at, existing, 0, length);",
    "    return existing;",
    "}",
];

impl FileEmitter<'_> {
    /// The exception `ReadChecked` throws on another type's fingerprint.
    ///
    /// It is generated (once per namespace, by its first file) rather than
    /// taken from pusm's runtime, because generated code must also run on the
    /// original package, which has no such type.
    pub(super) fn mismatch_class(&self, w: &mut Writer) {
        let name = &self.mismatch;
        summary_raw(
            w,
            &[
                "Thrown by ReadChecked and ReadCheckedInto when the fingerprint in the memory is another",
                "type's: the peers were built from different schemas (or read the wrong offset).",
            ],
        );
        w.lines([
            format!("public class {name} : global::System.Exception"),
            "{".to_owned(),
            "    /// <summary>The type that was being read.</summary>".to_owned(),
            "    public string TypeName { get; private set; }".to_owned(),
            String::new(),
            "    /// <summary>Its fingerprint.</summary>".to_owned(),
            "    public uint Expected { get; private set; }".to_owned(),
            String::new(),
            "    /// <summary>The fingerprint found in the memory.</summary>".to_owned(),
            "    public uint Found { get; private set; }".to_owned(),
            String::new(),
            "    /// <summary>A mismatch reading <paramref name=\"typeName\"/>.</summary>".to_owned(),
            format!("    public {name}(string typeName, uint expected, uint found)"),
            "        : base(string.Format(".to_owned(),
            "            \"schema mismatch: expected fingerprint 0x{0:x8}, found 0x{1:x8} reading {2}\"".to_owned(),
            "                + \" (the peers were built from different schemas)\",".to_owned(),
            "            expected,".to_owned(),
            "            found,".to_owned(),
            "            typeName))".to_owned(),
            "    {".to_owned(),
            "        TypeName = typeName;".to_owned(),
            "        Expected = expected;".to_owned(),
            "        Found = found;".to_owned(),
            "    }".to_owned(),
            "}".to_owned(),
        ]);
    }

    /// The per-file helper class, with only the helpers the classes use.
    pub(super) fn wire_class(&self, w: &mut Writer) {
        let mut helpers = self.helpers.borrow().clone();
        // Dependencies between the groups.
        if helpers.contains(&Helper::Bytes) {
            helpers.insert(Helper::NotNull);
        }
        helpers.insert(Helper::Core);
        let mismatch = format!("global::{}.{}", self.namespace, self.mismatch);
        let mut sections: Vec<Vec<String>> = Vec::new();
        let mut add = |lines: &[&str]| {
            sections.push(
                lines
                    .iter()
                    .map(|line| {
                        line.replace("MEMORY", MEMORY)
                            .replace("INVALID_DATA", INVALID_DATA)
                    })
                    .collect(),
            );
        };
        add(CORE);
        if helpers.contains(&Helper::Fingerprint) {
            let check = [
                "/// <summary>Reads a fingerprint; returns the offset after it when it is <paramref name=\"expected\"/>.</summary>".to_owned(),
                "internal static int CheckFingerprint(MEMORY sm, int offset, uint expected, string typeName)".to_owned(),
                "{".to_owned(),
                "    uint found = unchecked((uint)sm.ReadInt32(offset).Item1);".to_owned(),
                "    if (found != expected)".to_owned(),
                "    {".to_owned(),
                format!("        throw new {mismatch}(typeName, expected, found);"),
                "    }".to_owned(),
                "    return offset + 4;".to_owned(),
                "}".to_owned(),
            ];
            let refs: Vec<&str> = check.iter().map(String::as_str).collect();
            add(&refs);
        }
        if helpers.contains(&Helper::Count) {
            add(COUNT);
        }
        if helpers.contains(&Helper::Span) {
            add(SPAN);
        }
        if helpers.contains(&Helper::NotNull) {
            add(NOT_NULL);
        }
        if helpers.contains(&Helper::CheckLength) {
            add(CHECK_LENGTH);
        }
        if helpers.contains(&Helper::String) {
            add(STRING);
        }
        if helpers.contains(&Helper::Bytes) {
            add(BYTES);
        }
        let members: BTreeSet<String> =
            WIRE_MEMBERS.iter().map(|name| (*name).to_owned()).collect();
        for helper in &helpers {
            let Helper::Enum(id) = helper else { continue };
            let Item::Enum(def) = self.schema.item(*id) else {
                continue;
            };
            let ty = self.type_ref(*id, &members);
            let mut lines = vec![
                format!(
                    "/// <summary>A {} read at <paramref name=\"offset\"/>; any other int32 is an error.</summary>",
                    def.name
                ),
                format!(
                    "internal static {ty} {}(int value, string place, int offset)",
                    enum_reader(&def.name)
                ),
                "{".to_owned(),
                "    switch (value)".to_owned(),
                "    {".to_owned(),
            ];
            lines.extend(
                def.variants
                    .iter()
                    .map(|variant| format!("        case {}:", variant.value)),
            );
            lines.extend([
                format!("            return ({ty})value;"),
                "        default:".to_owned(),
                format!("            throw new {INVALID_DATA}("),
                format!(
                    "                place + \": invalid value \" + value + \" at offset \" + offset + \" for enum {}\");",
                    def.name
                ),
                "    }".to_owned(),
                "}".to_owned(),
            ]);
            sections.push(lines);
        }

        summary_raw(
            w,
            &[
                "Encoding helpers shared by the messages of this file. They call only the original",
                "package's primitives on the memory, so the messages work with it too.",
            ],
        );
        w.line(format!("internal static class {}", self.wire));
        w.line("{");
        w.indent();
        for (index, section) in sections.iter().enumerate() {
            if index > 0 {
                w.blank();
            }
            for line in section {
                if line.is_empty() {
                    w.blank();
                } else {
                    w.line(line);
                }
            }
        }
        w.dedent();
        w.line("}");
    }
}
