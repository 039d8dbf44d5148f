using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NUnit.Framework;
using PythonUnitySharedMemory;
using static Pusm.Tests.TestSupport;

namespace Pusm.Tests
{
    /// <summary>Single-process tests of SharedMemory: the primitives, the bytes on disk, opening,
    /// resizing, closing and the errors. (Two-process tests need a peer executable and run only in
    /// the repository's CI: unity/tests.)</summary>
    [TestFixture]
    public partial class SharedMemoryTests
    {
        [Test]
        public void PrimitiveRoundTrips()
        {
            string prefix = NewPrefix("rt");
            using (var sm = Create(prefix, 512))
            {
                foreach (bool b in new[] { true, false })
                {
                    Eq(11, sm.WriteBool(10, b), "WriteBool offset");
                    var (v, o) = sm.ReadBool(10);
                    Eq(b, v, "bool");
                    Eq(11, o, "ReadBool offset");
                }
                foreach (int i in new[] { 0, 1, -1, int.MinValue, int.MaxValue, 0x01020304 })
                {
                    Eq(24, sm.WriteInt32(20, i), "WriteInt32 offset");
                    var (v, o) = sm.ReadInt32(20);
                    Eq(i, v, "int32");
                    Eq(24, o, "ReadInt32 offset");
                }
                foreach (float f in new[] { 0f, -0f, 1.5f, -3.25e-12f, float.MaxValue, float.Epsilon, float.PositiveInfinity, float.NaN })
                {
                    Eq(34, sm.WriteFloat32(30, f), "WriteFloat32 offset");
                    var (v, o) = sm.ReadFloat32(30);
                    Eq(BitConverter.ToInt32(BitConverter.GetBytes(f), 0), BitConverter.ToInt32(BitConverter.GetBytes(v), 0), "float32 bits of " + f);
                    Eq(34, o, "ReadFloat32 offset");
                }
                foreach (string s in new[] { "", "hello", "my-string", "héllo wörld ✓ 日本語 😀", new string('x', 300) })
                {
                    int n = Encoding.UTF8.GetByteCount(s);
                    Eq(40 + 4 + n, sm.WriteString(40, s), "WriteString offset");
                    var (v, o) = sm.ReadString(40);
                    Eq(s, v, "string");
                    Eq(44 + n, o, "ReadString offset");
                }
                var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
                foreach (byte[] data in new[] { new byte[0], new byte[] { 42 }, all })
                {
                    Eq(100 + data.Length, sm.WriteBytes(100, data), "WriteBytes offset");
                    var (v, o) = sm.ReadBytes(100, data.Length);
                    BytesEq(data, v, "bytes");
                    Eq(100 + data.Length, o, "ReadBytes offset");
                }
                // chained as in the original package's README
                int off = 0;
                off = sm.WriteInt32(off, 7);
                off = sm.WriteFloat32(off, 2.5f);
                off = sm.WriteString(off, "chain");
                off = sm.WriteBool(off, true);
                Eq(4 + 4 + 9 + 1, off, "chained offset");
                off = 0;
                int i32; float f32; string str; bool flag;
                (i32, off) = sm.ReadInt32(off);
                (f32, off) = sm.ReadFloat32(off);
                (str, off) = sm.ReadString(off);
                (flag, off) = sm.ReadBool(off);
                Check(i32 == 7 && f32 == 2.5f && str == "chain" && flag && off == 18, "chained reads");
                Eq(512, sm.Capacity, "Capacity");
                Eq(prefix, sm.Prefix, "Prefix");
                Eq(Role.Unity, sm.Role, "default Role");
                Check(!sm.Blocked, "creator holds control first");
            }
        }

        [Test]
        public void LastValidOffsetAndOnePast()
        {
            using (var sm = Create(NewPrefix("bounds"), 16))
            {
                sm.WriteBool(15, true);
                Eq(true, sm.ReadBool(15).Item1, "last bool");
                var e = Throws<OutOfBoundsException>(() => sm.WriteBool(16, true), "WriteBool one past");
                Check(e.Offset == 16 && e.Length == 1 && e.Capacity == 16, "OutOfBounds properties: " + e.Message);
                Check(e.Message.Contains("16") && e.Message.Contains(sm.Prefix), "message names offset and prefix: " + e.Message);
                Throws<OutOfBoundsException>(() => sm.ReadBool(16), "ReadBool one past");
                Eq(16, sm.WriteInt32(12, 5), "last int32");
                Eq(5, sm.ReadInt32(12).Item1, "last int32 value");
                Throws<OutOfBoundsException>(() => sm.WriteInt32(13, 5), "WriteInt32 one past");
                Throws<OutOfBoundsException>(() => sm.ReadInt32(13), "ReadInt32 one past");
                sm.WriteFloat32(12, 1f);
                Throws<OutOfBoundsException>(() => sm.WriteFloat32(13, 1f), "WriteFloat32 one past");
                Throws<OutOfBoundsException>(() => sm.ReadFloat32(13), "ReadFloat32 one past");
                Eq(16, sm.WriteBytes(10, new byte[6]), "last bytes");
                Throws<OutOfBoundsException>(() => sm.WriteBytes(11, new byte[6]), "WriteBytes one past");
                Throws<OutOfBoundsException>(() => sm.ReadBytes(11, 6), "ReadBytes one past");
                Eq(0, sm.ReadBytes(16, 0).Item1.Length, "empty read at the end");
                Throws<OutOfBoundsException>(() => sm.ReadBytes(17, 0), "empty read past the end");
                Eq(16, sm.WriteString(8, "abcd"), "last string");
                Eq("abcd", sm.ReadString(8).Item1, "last string value");
                sm.WriteBytes(0, new byte[16]);
                Throws<OutOfBoundsException>(() => sm.WriteString(9, "abcd"), "WriteString one past");
                BytesEq(new byte[16], sm.ReadBytes(0, 16).Item1, "a refused write writes nothing");
                Throws<OutOfBoundsException>(() => sm.ReadString(13), "ReadString length prefix past the end");
                Throws<OutOfBoundsException>(() => sm.ReadInt32(int.MaxValue), "offset int.MaxValue");
                Throws<OutOfBoundsException>(() => sm.ReadBytes(1, int.MaxValue), "length int.MaxValue");
            }
        }

        [Test]
        public void NegativeOffsetsAndLengths()
        {
            using (var sm = Create(NewPrefix("neg"), 16))
            {
                Throws<OutOfBoundsException>(() => sm.ReadBool(-1), "ReadBool(-1)");
                Throws<OutOfBoundsException>(() => sm.WriteBool(-1, true), "WriteBool(-1)");
                Throws<OutOfBoundsException>(() => sm.ReadInt32(-4), "ReadInt32(-4)");
                Throws<OutOfBoundsException>(() => sm.WriteInt32(-1, 0), "WriteInt32(-1)");
                Throws<OutOfBoundsException>(() => sm.ReadFloat32(int.MinValue), "ReadFloat32(int.MinValue)");
                Throws<OutOfBoundsException>(() => sm.WriteFloat32(-2, 0), "WriteFloat32(-2)");
                Throws<OutOfBoundsException>(() => sm.ReadString(-4), "ReadString(-4)");
                Throws<OutOfBoundsException>(() => sm.WriteString(-1, ""), "WriteString(-1)");
                Throws<OutOfBoundsException>(() => sm.ReadBytes(0, -1), "ReadBytes length -1");
                Throws<OutOfBoundsException>(() => sm.ReadBytes(-1, 1), "ReadBytes(-1)");
                Throws<OutOfBoundsException>(() => sm.WriteBytes(-1, new byte[0]), "WriteBytes(-1)");
            }
        }

        [Test]
        public void CorruptStringLengths()
        {
            using (var sm = Create(NewPrefix("strlen"), 32))
            {
                sm.WriteInt32(0, -5);
                var e = Throws<InvalidLengthException>(() => sm.ReadString(0), "negative length");
                Check(e.Length == -5 && e.Offset == 0 && e.Capacity == 32, "InvalidLength properties: " + e.Message);
                Check(e.Message.Contains("-5"), "message names the length: " + e.Message);
                sm.WriteInt32(0, 29);
                Throws<InvalidLengthException>(() => sm.ReadString(0), "length one past the end");
                sm.WriteInt32(4, int.MaxValue);
                Throws<InvalidLengthException>(() => sm.ReadString(4), "length int.MaxValue");
                sm.WriteInt32(4, 0);
                sm.WriteInt32(0, 28);
                Eq(28, sm.ReadString(0).Item1.Length, "length exactly to the end");
                Eq(32, sm.ReadString(0).Item2, "offset after a string that fills the file");
            }
        }

        [Test]
        public void InvalidUtf8()
        {
            using (var sm = Create(NewPrefix("utf8"), 32))
            {
                var cases = new[]
                {
                    new byte[] { 0xC3, 0x28 },          // bad continuation
                    new byte[] { 0xFF },                // never valid
                    new byte[] { 0xC0, 0x80 },          // overlong NUL
                    new byte[] { 0xED, 0xA0, 0x80 },    // UTF-16 surrogate
                    new byte[] { 0x61, 0xE2, 0x82 },    // truncated sequence
                };
                foreach (byte[] bad in cases)
                {
                    sm.WriteInt32(4, bad.Length);
                    sm.WriteBytes(8, bad);
                    var e = Throws<InvalidUtf8Exception>(() => sm.ReadString(4), "invalid UTF-8 " + Show(bad));
                    Eq(4, e.Offset, "InvalidUtf8 offset");
                }
                Throws<InvalidUtf8Exception>(() => sm.WriteString(0, "a\uD800b"), "lone surrogate cannot be written");
                Throws<ArgumentNullException>(() => sm.WriteString(0, null), "null string");
                Throws<ArgumentNullException>(() => sm.WriteBytes(0, null), "null bytes");
            }
        }

        [Test]
        public void BoolReadsNonZeroAsTrue()
        {
            using (var sm = Create(NewPrefix("bool"), 8))
            {
                sm.WriteBytes(0, new byte[] { 2, 0xFF, 0, 1 });
                Eq(true, sm.ReadBool(0).Item1, "2 is true");
                Eq(true, sm.ReadBool(1).Item1, "255 is true");
                Eq(false, sm.ReadBool(2).Item1, "0 is false");
                Eq(true, sm.ReadBool(3).Item1, "1 is true");
                sm.WriteBool(0, true);
                sm.WriteBool(1, false);
                BytesEq(new byte[] { 1, 0 }, sm.ReadBytes(0, 2).Item1, "bools are written as 1 and 0");
            }
        }

        [Test]
        public void OnDiskHookAndDataBytes()
        {
            string prefix = NewPrefix("disk");
            string hook = PathOf(prefix), data = PathOf(prefix + "_");
            var unity = Create(prefix, 64);
            BytesEq(Hook(1, 1, 64, 0, 1, 0), File.ReadAllBytes(hook), "hook after creation by Unity");
            BytesEq(new byte[64], File.ReadAllBytes(data), "data file after creation");
            Check(!File.Exists(PathOf(prefix + "__")), "no second data file");
            Eq(2, Directory.GetFileSystemEntries(Dir).Count(p => Path.GetFileName(p).StartsWith(prefix)), "two files");

            unity.WriteInt32(0, 0x01020304);
            unity.WriteFloat32(4, 1.5f);
            unity.WriteString(8, "hé");
            unity.WriteBool(15, true);
            unity.WriteBytes(16, new byte[] { 9, 8, 7 });
            unity.WriteInt32(20, -2);
            var expected = new byte[64];
            new byte[] { 4, 3, 2, 1, 0x00, 0x00, 0xC0, 0x3F, 3, 0, 0, 0, 0x68, 0xC3, 0xA9, 1, 9, 8, 7, 0, 0xFE, 0xFF, 0xFF, 0xFF }.CopyTo(expected, 0);
            BytesEq(expected, File.ReadAllBytes(data), "little-endian bytes of each primitive");

            unity.GiveControl(false);
            BytesEq(Hook(1, 1, 64, 1, 0, 0), File.ReadAllBytes(hook), "flags after Unity gives control");
            Check(unity.Blocked, "Unity blocked after giving control");

            var python = Join(prefix, Role.Python);
            Eq(64, python.Capacity, "joiner capacity comes from the hook");
            Eq(0x01020304, python.ReadInt32(0).Item1, "joiner reads int");
            Eq("hé", python.ReadString(8).Item1, "joiner reads string");
            python.GiveControl(false);
            BytesEq(Hook(1, 1, 64, 0, 1, 0), File.ReadAllBytes(hook), "flags after Python gives control");
            python.Close();
            BytesEq(Hook(1, 1, 64, 0, 1, 1), File.ReadAllBytes(hook), "closed flag after Close");
            Check(File.Exists(hook) && File.Exists(data), "Close keeps the files");
            // Python handed control over before closing: Unity still reads the last message...
            Eq(0x01020304, unity.ReadInt32(0).Item1, "Unity reads the message sent before the close");
            // ...and learns of the close at the next wait that would block.
            Throws<PeerClosedException>(() => unity.GiveControl(true), "Unity sees the close");
            Check(!File.Exists(hook) && !File.Exists(data), "files deleted after peer closed");
            Throws<ObjectDisposedException>(() => unity.ReadInt32(0), "closed after PeerClosed");
            unity.Dispose();
            python.Dispose();
        }

        [Test]
        public void OnDiskPermissions()
        {
            string prefix = NewPrefix("perm");
            using (var sm = Create(prefix, 8))
            {
                Eq("600", ModeOf(PathOf(prefix)), "hook mode");
                Eq("600", ModeOf(PathOf(prefix + "_")), "data mode");
                Eq("700", ModeOf(Dir), "directory mode");
                sm.Resize(16);
                Eq("600", ModeOf(PathOf(prefix + "__")), "resized data mode");
            }
        }

        [Test]
        public void OnDiskResize()
        {
            string prefix = NewPrefix("resize");
            string hook = PathOf(prefix), d1 = PathOf(prefix + "_"), d2 = PathOf(prefix + "__"), d3 = PathOf(prefix + "___");
            var a = Create(prefix, 16);
            a.WriteInt32(0, 42);
            a.WriteString(4, "keep");
            a.GiveControl(false);
            var b = Join(prefix, Role.Python);
            b.GiveControl(false);

            a.Resize(40);
            Eq(40, a.Capacity, "capacity after resize");
            BytesEq(Hook(1, 2, 40, 0, 1, 0), File.ReadAllBytes(hook), "hook after resize");
            byte[] newData = File.ReadAllBytes(d2);
            Eq(40, newData.Length, "new data file size");
            BytesEq(File.ReadAllBytes(d1), newData.Take(16).ToArray(), "old contents copied");
            BytesEq(new byte[24], newData.Skip(16).ToArray(), "rest zero-filled");
            Check(File.Exists(d1), "old file kept until the peer notices");
            a.WriteInt32(36, 99);
            a.GiveControl(false);

            Eq(42, b.ReadInt32(0).Item1, "peer reads old contents after resize");
            Eq(99, b.ReadInt32(36).Item1, "peer reads past the old end");
            Eq(40, b.Capacity, "peer capacity after resize");
            Check(!File.Exists(d1), "peer deleted the old data file");
            b.Resize(100);
            BytesEq(Hook(1, 3, 100, 1, 0, 0), File.ReadAllBytes(hook).Take(12).Concat(new byte[] { 1, 0, 0 }).ToArray(), "hook after second resize");
            b.GiveControl(false);
            Eq("keep", a.ReadString(4).Item1, "contents survive two resizes");
            Eq(100, a.Capacity, "creator follows the peer's resize");
            Check(!File.Exists(d2) && File.Exists(d3), "creator deleted the old data file");
            a.WriteInt32(96, 5);
            Throws<OutOfBoundsException>(() => a.WriteInt32(97, 5), "bounds follow the new capacity");
            a.Delete();
            Check(!File.Exists(hook) && !File.Exists(d3), "Delete removes hook and current data file");
            b.Dispose();
        }

        [Test]
        public void InvalidResizeChangesNothing()
        {
            string prefix = NewPrefix("badresize");
            using (var sm = Create(prefix, 32))
            {
                byte[] before = File.ReadAllBytes(PathOf(prefix));
                var e = Throws<InvalidResizeException>(() => sm.Resize(32), "same capacity");
                Check(e.Current == 32 && e.Requested == 32, "InvalidResize properties");
                Throws<InvalidResizeException>(() => sm.Resize(8), "smaller capacity");
                Throws<InvalidResizeException>(() => sm.Resize(-1), "negative capacity");
                BytesEq(before, File.ReadAllBytes(PathOf(prefix)), "hook unchanged");
                Check(!File.Exists(PathOf(prefix + "__")), "no new data file");
                Eq(32, sm.Capacity, "capacity unchanged");
                sm.Resize(33);
                Eq(33, sm.Capacity, "a valid resize still works");
            }
        }

        [Test]
        public void InvalidPrefixes()
        {
            var bad = new[] { null, "", "a_", "_", "a/b", "/abs", "a\\b", "a\0b", "..", "a..b", "../x", ".hidden", "." };
            foreach (string p in bad)
            {
                string what = "prefix " + Show(p == null ? null : p.Replace("\0", "\\0"));
                var e = Throws<InvalidPrefixException>(() => new SharedMemory(p, 16, true, 1), what + " (create)");
                Eq("prefix", e.ParamName, "ParamName");
                Throws<InvalidPrefixException>(() => new SharedMemory(p, 16, false, 1), what + " (join)");
                Throws<InvalidPrefixException>(() => SharedMemory.DeleteFiles(p), what + " (DeleteFiles)");
            }
            Check(!File.Exists(Path.Combine(Path.GetDirectoryName(Dir), "x")), "nothing created outside the directory");
            using (var ok = Create(NewPrefix("ok.name with spaces-é"), 8)) { ok.WriteInt32(0, 1); }
        }

        [Test]
        public void InvalidCapacity()
        {
            string prefix = NewPrefix("cap");
            Throws<InvalidCapacityException>(() => Create(prefix, 0), "capacity 0");
            Throws<InvalidCapacityException>(() => Create(prefix, -5), "negative capacity");
            Check(!File.Exists(PathOf(prefix)), "nothing left behind");
        }

        [Test]
        public void DeleteFilesOnlyTouchesItsOwn()
        {
            EnsureDir();
            string p = NewPrefix("del");
            var removed = new[] { p, p + "_", p + "__", p + "___" };
            var kept = new[] { p + "other", p + "_x", p + "x_", "other" + p, p + "-" };
            foreach (string n in removed.Concat(kept)) File.WriteAllText(PathOf(n), n);
            SharedMemory.DeleteFiles(p);
            foreach (string n in removed) Check(!File.Exists(PathOf(n)), "DeleteFiles should remove " + n);
            foreach (string n in kept) Check(File.Exists(PathOf(n)), "DeleteFiles should keep " + n);
            SharedMemory.DeleteFiles(p); // nothing left: no error
            foreach (string n in kept) SharedFiles.DeleteQuietly(PathOf(n));
        }

        [Test]
        public void CloseTwiceAndCallsAfterClose()
        {
            string prefix = NewPrefix("close");
            var sm = Create(prefix, 8);
            sm.Close();
            sm.Close();
            Throws<ObjectDisposedException>(() => sm.ReadInt32(0), "read after Close");
            Throws<ObjectDisposedException>(() => sm.WriteBool(0, true), "write after Close");
            Throws<ObjectDisposedException>(() => sm.GiveControl(), "GiveControl after Close");
            Throws<ObjectDisposedException>(() => sm.WaitUnblocked(), "WaitUnblocked after Close");
            Throws<ObjectDisposedException>(() => sm.Resize(100), "Resize after Close");
            Throws<ObjectDisposedException>(() => { bool b = sm.Blocked; }, "Blocked after Close");
            Eq(prefix, sm.Prefix, "Prefix still readable");
            Eq(8, sm.Capacity, "Capacity still readable");
            Check(File.Exists(PathOf(prefix)), "Close keeps the files");
            sm.Delete();
            Check(!File.Exists(PathOf(prefix)) && !File.Exists(PathOf(prefix + "_")), "Delete after Close removes the files");
            sm.Delete();
            sm.Dispose();
            sm.Close();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        [Test]
        public void DeleteRemovesFiles()
        {
            string prefix = NewPrefix("delete");
            var sm = Create(prefix, 8);
            sm.Resize(16);
            sm.Resize(32);
            sm.Delete();
            Check(Directory.GetFileSystemEntries(Dir).All(p => !Path.GetFileName(p).StartsWith(prefix)), "every file of the conversation deleted");
            using (var again = Create(prefix, 8)) { again.WriteInt32(0, 3); } // Dispose == Delete, as in the original
            Check(!File.Exists(PathOf(prefix)), "Dispose deletes the files");
        }

        [Test]
        public void AlreadyExists()
        {
            string prefix = NewPrefix("exists");
            using (var sm = Create(prefix, 8))
            {
                var e = Throws<AlreadyExistsException>(() => Create(prefix, 8), "second creator");
                Check(e.Message.Contains(prefix), "message names the prefix: " + e.Message);
                sm.WriteInt32(0, 1); // still usable, untouched
                Eq((byte)0, File.ReadAllBytes(PathOf(prefix))[14], "the refused creator did not close the conversation");
            }
            // a leftover data file without a hook
            EnsureDir();
            File.WriteAllBytes(PathOf(prefix + "_"), new byte[4]);
            Throws<AlreadyExistsException>(() => Create(prefix, 8), "leftover data file");
            Check(!File.Exists(PathOf(prefix)), "the refused creator removed its hook");
            SharedMemory.DeleteFiles(prefix);
        }

        [Test]
        public void TimeoutIsBoundedAndDeletesFiles()
        {
            string prefix = NewPrefix("timeout");
            var sm = new SharedMemory(prefix, 8, true, 0.3f);
            sm.GiveControl(false); // to nobody
            var sw = Stopwatch.StartNew();
            var e = Throws<PusmTimeoutException>(() => sm.WaitUnblocked(), "waiting for a peer that never comes");
            Check(sw.Elapsed.TotalSeconds >= 0.25 && sw.Elapsed.TotalSeconds < 15, "timeout took " + sw.Elapsed.TotalSeconds + " s");
            Check(e.Message.Contains(prefix), "message names the prefix");
            Check(!File.Exists(PathOf(prefix)) && !File.Exists(PathOf(prefix + "_")), "files deleted on timeout");
            Throws<ObjectDisposedException>(() => sm.WaitUnblocked(), "closed after a timeout");
        }

        [Test]
        public void JoinMissingIsNotFound()
        {
            string prefix = NewPrefix("missing");
            var sw = Stopwatch.StartNew();
            var e = Throws<NotFoundException>(() => Join(prefix, Role.Python, 0.3f), "join a missing prefix");
            Check(sw.Elapsed.TotalSeconds < 15, "NotFound took " + sw.Elapsed.TotalSeconds + " s");
            Check(e.Message.Contains(prefix) && e.Message.Contains(Dir), "message names prefix and directory: " + e.Message);
        }

        [Test]
        public void VersionMismatch()
        {
            EnsureDir();
            string prefix = NewPrefix("version");
            File.WriteAllBytes(PathOf(prefix), Hook(2, 1, 8, 0, 1, 0));
            File.WriteAllBytes(PathOf(prefix + "_"), new byte[8]);
            var e = Throws<VersionMismatchException>(() => Join(prefix), "version 2");
            Check(e.Found == 2 && e.Expected == 1, "Found/Expected");
            Check(File.Exists(PathOf(prefix)), "a refused joiner leaves the files alone");
            BytesEq(Hook(2, 1, 8, 0, 1, 0), File.ReadAllBytes(PathOf(prefix)), "hook untouched");
            SharedMemory.DeleteFiles(prefix);
        }

        [Test]
        public void HugeFileNumberIsCorrupt()
        {
            EnsureDir();
            string prefix = NewPrefix("hugenumber");
            File.WriteAllBytes(PathOf(prefix), Hook(1, int.MaxValue, 16, 0, 1, 0));
            var sw = Stopwatch.StartNew();
            var e = Throws<CorruptHookException>(() => Join(prefix, Role.Python, 5f), "file number 2^31-1");
            Check(sw.Elapsed.TotalSeconds < 4, "refused without building a 2 GiB name, in " + sw.Elapsed.TotalSeconds + " s");
            Check(e.Message.Contains("2147483647"), "message names the number: " + e.Message);
            SharedMemory.DeleteFiles(prefix);
        }

        [Test]
        public void TruncatedHookIsCorrupt()
        {
            EnsureDir();
            foreach (float timeout in new[] { 10f, 0f })
            {
                string prefix = NewPrefix("short");
                File.WriteAllBytes(PathOf(prefix), new byte[] { 1, 0, 0, 0, 1, 0, 0 });
                File.WriteAllBytes(PathOf(prefix + "_"), new byte[8]);
                var sw = Stopwatch.StartNew();
                var e = Throws<CorruptHookException>(() => Join(prefix, Role.Python, timeout), "7-byte hook, timeout " + timeout);
                Check(sw.Elapsed.TotalSeconds < 8, "corrupt hook detected in " + sw.Elapsed.TotalSeconds + " s");
                Check(e.Message.Contains("7"), "message gives the size: " + e.Message);
                SharedMemory.DeleteFiles(prefix);
            }
            // a hook whose data file is shorter than its capacity
            string p2 = NewPrefix("shortdata");
            File.WriteAllBytes(PathOf(p2), Hook(1, 1, 64, 0, 1, 0));
            File.WriteAllBytes(PathOf(p2 + "_"), new byte[8]);
            Throws<CorruptHookException>(() => Join(p2, Role.Python, 0.5f), "data file shorter than the capacity");
            SharedMemory.DeleteFiles(p2);
        }

        [Test]
        public void SymlinkAtHookRefused()
        {
            EnsureDir();
            string prefix = NewPrefix("symhook");
            string target = PathOf(prefix + "-target");
            File.WriteAllBytes(target, Hook(1, 1, 8, 0, 1, 0));
            File.WriteAllBytes(PathOf(prefix + "_"), new byte[8]);
            Eq("", Run("ln", "-s \"" + target + "\" \"" + PathOf(prefix) + "\""), "ln -s");
            var e = Throws<UnsafeFileException>(() => Join(prefix, Role.Python, 1), "join through a symlinked hook");
            Check(e.Message.Contains(prefix), "message names the path");
            Throws<UnsafeFileException>(() => Create(prefix, 8), "create over a symlinked hook");
            Throws<UnsafeFileException>(() => new SharedMemory(prefix, 8, true, 1, Role.Unity, WaitStrategy.Adaptive, true), "replaceStale over a symlinked hook");
            BytesEq(Hook(1, 1, 8, 0, 1, 0), File.ReadAllBytes(target), "symlink target untouched");
            // dangling symlink: creating must not create the target
            string p2 = NewPrefix("dangling");
            string target2 = PathOf(p2 + "-nothing");
            Run("ln", "-s \"" + target2 + "\" \"" + PathOf(p2) + "\"");
            Throws<UnsafeFileException>(() => Create(p2, 8), "create over a dangling symlink");
            Check(!File.Exists(target2), "dangling target not created");
            foreach (string f in new[] { PathOf(prefix), target, PathOf(prefix + "_"), PathOf(p2) }) SharedFiles.DeleteQuietly(f);
        }

        [Test]
        public void SymlinkAtDataRefused()
        {
            EnsureDir();
            string prefix = NewPrefix("symdata");
            string target = PathOf(prefix + "-target");
            File.WriteAllBytes(target, new byte[8]);
            File.WriteAllBytes(PathOf(prefix), Hook(1, 1, 8, 0, 1, 0));
            Run("ln", "-s \"" + target + "\" \"" + PathOf(prefix + "_") + "\"");
            Throws<UnsafeFileException>(() => Join(prefix, Role.Python, 1), "join with a symlinked data file");
            File.Delete(PathOf(prefix));
            Throws<UnsafeFileException>(() => Create(prefix, 8), "create with a symlink planted at the data name");
            Check(!File.Exists(PathOf(prefix)), "the refused creator removed its hook");
            BytesEq(new byte[8], File.ReadAllBytes(target), "target untouched");
            foreach (string f in new[] { target, PathOf(prefix + "_") }) SharedFiles.DeleteQuietly(f);
        }

        [Test]
        public void PollUnblockedNeverBlocks()
        {
            string prefix = NewPrefix("poll");
            var a = Create(prefix, 16, Role.Unity, 0.2f);
            Check(a.PollUnblocked(), "creator holds control");
            a.WriteInt32(0, 1);
            a.GiveControl(false);
            var b = Join(prefix, Role.Python);
            for (int i = 0; i < 50; i++) Check(!a.PollUnblocked(), "peer holds control");
            Thread.Sleep(300); // longer than the 0.2 s timeout: polling never times out
            Check(!a.PollUnblocked(), "still the peer's turn");
            b.Resize(64);
            b.WriteInt32(60, 9);
            b.GiveControl(false);
            Check(a.PollUnblocked(), "our turn again");
            Eq(64, a.Capacity, "PollUnblocked followed the resize");
            Check(!File.Exists(PathOf(prefix + "_")), "old data file deleted");
            Eq(9, a.ReadInt32(60).Item1, "value after resize");
            a.GiveControl(false);
            b.Close();
            Throws<PeerClosedException>(() => a.PollUnblocked(), "peer closed");
            Check(!File.Exists(PathOf(prefix)), "files deleted");
        }

        [Test]
        public void NoLockPeerIsNeverDeclaredDead()
        {
            // A peer that takes no locks (the original packages): flags written by hand, after longer
            // than several liveness probes.
            string prefix = NewPrefix("nolock");
            var sm = Create(prefix, 8, Role.Unity, 20);
            sm.WriteInt32(0, 5);
            sm.GiveControl(false);
            var t = new Thread(() =>
            {
                Thread.Sleep(300);
                WriteFlagByHand(PathOf(prefix), 12, 0);
                WriteFlagByHand(PathOf(prefix), 13, 1);
            });
            t.Start();
            sm.WaitUnblocked();
            t.Join();
            Eq(5, sm.ReadInt32(0).Item1, "still usable");
            sm.Delete();
        }

        [Test]
        public void JoinSeedStyleHook()
        {
            // Files as the original Unity package creates them (no lock held); we join as Python.
            EnsureDir();
            string prefix = NewPrefix("original");
            File.WriteAllBytes(PathOf(prefix), Hook(1, 1, 32, 0, 1, 0));
            var data = new byte[32];
            new byte[] { 5, 0, 0, 0, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }.CopyTo(data, 0);
            File.WriteAllBytes(PathOf(prefix + "_"), data);
            SharedMemory python = null;
            var t = new Thread(() => { python = Join(prefix, Role.Python, 20); });
            t.Start();
            Thread.Sleep(200);
            Check(t.IsAlive, "the joiner waits for control");
            WriteFlagByHand(PathOf(prefix), 13, 0);
            WriteFlagByHand(PathOf(prefix), 12, 1);
            Check(t.Join(10000), "the joiner got control");
            Eq("hello", python.ReadString(0).Item1, "reads the original side's string");
            python.GiveControl(false);
            Eq((byte)1, File.ReadAllBytes(PathOf(prefix))[13], "gave control back to the original side");
            python.Delete();
        }
    }
}
