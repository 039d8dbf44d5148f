// Standalone test program for the pusm C# runtime (no NUnit): compiled with mcs together with
// ../com.pusm.runtime/Runtime/*.cs by run.sh, run with mono. Prints PASS/FAIL/SKIP per test and,
// last, "N passed, M failed"; exit code 1 if anything failed.
//
//   mono RuntimeTests.exe <Peer.exe> [--managed] [test-name-substring ...]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PythonUnitySharedMemory;

internal sealed class TestFailure : Exception
{
    public TestFailure(string message) : base(message) { }
}

internal sealed class TestCase
{
    public readonly string Name;
    public readonly Action Run;
    public readonly bool NeedsLocks;

    public TestCase(string name, Action run, bool needsLocks)
    {
        Name = name;
        Run = run;
        NeedsLocks = needsLocks;
    }
}

internal static partial class RuntimeTests
{
    private static string s_peerExe;
    private static bool s_managed;
    private static int s_counter;

    private static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.WriteLine("usage: RuntimeTests.exe <Peer.exe> [--managed] [filter ...]");
            return 2;
        }
        s_peerExe = Path.GetFullPath(args[0]);
        var filters = new List<string>();
        foreach (string a in args.Skip(1))
        {
            if (a == "--managed") s_managed = true;
            else filters.Add(a);
        }
        Platform.ForceManaged = s_managed;
        bool locks = !s_managed && Platform.Linux != null;
        Console.WriteLine("backend: " + (Platform.Linux != null ? "linux (open/mmap/OFD locks)" : "managed (FileStream/MemoryMappedFile)") +
                          ", directory " + SharedFiles.DirectoryPath);

        var tests = new List<TestCase>();
        tests.Add(new TestCase("PrimitiveRoundTrips", PrimitiveRoundTrips, false));
        tests.Add(new TestCase("LastValidOffsetAndOnePast", LastValidOffsetAndOnePast, false));
        tests.Add(new TestCase("NegativeOffsetsAndLengths", NegativeOffsetsAndLengths, false));
        tests.Add(new TestCase("CorruptStringLengths", CorruptStringLengths, false));
        tests.Add(new TestCase("InvalidUtf8", InvalidUtf8, false));
        tests.Add(new TestCase("BoolReadsNonZeroAsTrue", BoolReadsNonZeroAsTrue, false));
        tests.Add(new TestCase("OnDiskHookAndDataBytes", OnDiskHookAndDataBytes, false));
        tests.Add(new TestCase("OnDiskPermissions", OnDiskPermissions, false));
        tests.Add(new TestCase("OnDiskResize", OnDiskResize, false));
        tests.Add(new TestCase("InvalidResizeChangesNothing", InvalidResizeChangesNothing, false));
        tests.Add(new TestCase("InvalidPrefixes", InvalidPrefixes, false));
        tests.Add(new TestCase("InvalidCapacity", InvalidCapacity, false));
        tests.Add(new TestCase("DeleteFilesOnlyTouchesItsOwn", DeleteFilesOnlyTouchesItsOwn, false));
        tests.Add(new TestCase("CloseTwiceAndCallsAfterClose", CloseTwiceAndCallsAfterClose, false));
        tests.Add(new TestCase("DeleteRemovesFiles", DeleteRemovesFiles, false));
        tests.Add(new TestCase("FinalizerAfterCloseInChildProcess", FinalizerAfterCloseInChildProcess, false));
        tests.Add(new TestCase("AlreadyExists", AlreadyExists, false));
        tests.Add(new TestCase("TimeoutIsBoundedAndDeletesFiles", TimeoutIsBoundedAndDeletesFiles, false));
        tests.Add(new TestCase("JoinMissingIsNotFound", JoinMissingIsNotFound, false));
        tests.Add(new TestCase("VersionMismatch", VersionMismatch, false));
        tests.Add(new TestCase("TruncatedHookIsCorrupt", TruncatedHookIsCorrupt, false));
        tests.Add(new TestCase("HugeFileNumberIsCorrupt", HugeFileNumberIsCorrupt, false));
        tests.Add(new TestCase("SymlinkAtHookRefused", SymlinkAtHookRefused, false));
        tests.Add(new TestCase("SymlinkAtDataRefused", SymlinkAtDataRefused, false));
        tests.Add(new TestCase("PollUnblockedNeverBlocks", PollUnblockedNeverBlocks, false));
        tests.Add(new TestCase("NoLockPeerIsNeverDeclaredDead", NoLockPeerIsNeverDeclaredDead, false));
        tests.Add(new TestCase("JoinSeedStyleHook", JoinSeedStyleHook, false));
        tests.Add(new TestCase("TwoProcessPingPong", TwoProcessPingPong, false));
        tests.Add(new TestCase("TwoProcessResizeByEachSide", TwoProcessResizeByEachSide, false));
        tests.Add(new TestCase("PeerClosesWhileHoldingControl", PeerClosesWhileHoldingControl, false));
        tests.Add(new TestCase("WeCloseAndPeerSeesClosed", WeCloseAndPeerSeesClosed, false));
        tests.Add(new TestCase("TwoProcessTimeout", TwoProcessTimeout, false));
        tests.Add(new TestCase("LateCreator", LateCreator, false));
        tests.Add(new TestCase("KilledPeerIsDetected", KilledPeerIsDetected, true));
        tests.Add(new TestCase("KilledCreatorIsDetectedByJoiner", KilledCreatorIsDetectedByJoiner, true));
        tests.Add(new TestCase("SameRoleTwiceIsRoleTaken", SameRoleTwiceIsRoleTaken, true));
        tests.Add(new TestCase("ReplaceStaleLeftovers", ReplaceStaleLeftovers, false));
        tests.Add(new TestCase("ReplaceStaleRefusesLive", ReplaceStaleRefusesLive, true));
        tests.Add(new TestCase("LockBytesMatchProtocol", LockBytesMatchProtocol, true));
        tests.Add(new TestCase("CloseFromAnotherThreadWhileWaiting", CloseFromAnotherThreadWhileWaiting, false));
        tests.Add(new TestCase("WaitingUsesLittleCpu", WaitingUsesLittleCpu, false));
        tests.Add(new TestCase("SpinningUsesCpu", SpinningUsesCpu, false));

        int passed = 0, failed = 0;
        foreach (TestCase entry in tests)
        {
            string name = entry.Name;
            Action test = entry.Run;
            bool needsLocks = entry.NeedsLocks;
            if (filters.Count > 0 && !filters.Any(f => name.Contains(f))) continue;
            if (needsLocks && !locks)
            {
                Console.WriteLine("SKIP " + name + ": needs Linux OFD locks (not with this backend)");
                continue;
            }
            var sw = Stopwatch.StartNew();
            try
            {
                test();
                passed++;
                Console.WriteLine("PASS " + name + " (" + sw.ElapsedMilliseconds + " ms)");
            }
            catch (Exception e)
            {
                failed++;
                string detail = e is TestFailure ? e.Message : e.GetType().Name + ": " + e.Message + "\n" + e.StackTrace;
                Console.WriteLine("FAIL " + name + ": " + detail);
            }
            Console.Out.Flush();
        }
        Console.WriteLine(passed + " passed, " + failed + " failed");
        return failed > 0 ? 1 : 0;
    }

    // ------------------------------------------------------------------ helpers

    private static string Dir { get { return SharedFiles.DirectoryPath; } }

    private static string NewPrefix(string what)
    {
        return "t" + Interlocked.Increment(ref s_counter) + "-" + what + "-" + Process.GetCurrentProcess().Id;
    }

    private static string PathOf(string name) { return Path.Combine(Dir, name); }

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new TestFailure(message);
    }

    private static void Eq<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new TestFailure(what + ": expected " + Show(expected) + ", got " + Show(actual));
    }

    private static string Show(object o)
    {
        if (o == null) return "null";
        var bytes = o as byte[];
        if (bytes != null) return "[" + string.Join(" ", bytes.Select(b => b.ToString("x2"))) + "]";
        if (o is string) return "\"" + o + "\"";
        return o.ToString();
    }

    private static void BytesEq(byte[] expected, byte[] actual, string what)
    {
        if (!expected.SequenceEqual(actual))
            throw new TestFailure(what + ": expected " + Show(expected) + ", got " + Show(actual));
    }

    /// <summary>Runs <paramref name="action"/>, which must throw exactly <typeparamref name="T"/>.</summary>
    private static T Throws<T>(Action action, string what) where T : Exception
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            if (e.GetType() == typeof(T)) return (T)e;
            throw new TestFailure(what + ": expected " + typeof(T).Name + ", got " + e.GetType().Name + ": " + e.Message);
        }
        throw new TestFailure(what + ": expected " + typeof(T).Name + ", nothing was thrown");
    }

    private static SharedMemory Create(string prefix, int capacity = 64, Role role = Role.Unity, float timeout = 20)
    {
        return new SharedMemory(prefix, capacity, true, timeout, role);
    }

    private static SharedMemory Join(string prefix, Role role = Role.Python, float timeout = 20)
    {
        return new SharedMemory(prefix, 0, false, timeout, role);
    }

    private static byte[] Hook(int version, int fileNumber, int capacity, byte python, byte unity, byte closed)
    {
        var b = new byte[15];
        BitConverter.GetBytes(version).CopyTo(b, 0);
        BitConverter.GetBytes(fileNumber).CopyTo(b, 4);
        BitConverter.GetBytes(capacity).CopyTo(b, 8);
        b[12] = python;
        b[13] = unity;
        b[14] = closed;
        return b;
    }

    private static void EnsureDir()
    {
        Directory.CreateDirectory(Dir);
    }

    private static string Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using (var p = Process.Start(psi))
        {
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return output.Trim();
        }
    }

    private static string ModeOf(string path)
    {
        return Run("stat", "-c %a \"" + path + "\"");
    }

    private static void WriteFlagByHand(string hookPath, int offset, byte value)
    {
        using (var fs = new FileStream(hookPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            fs.Seek(offset, SeekOrigin.Begin);
            fs.WriteByte(value);
            fs.Flush();
        }
    }

    /// <summary>A `mono Peer.exe` child process with its output collected line by line.</summary>
    private sealed class Peer : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = new List<string>();

        public Peer(params string[] commands)
        {
            var all = new List<string> { "--debug", Quote(s_peerExe) };
            if (s_managed) all.Add("--managed");
            all.AddRange(commands.Select(Quote));
            var psi = new ProcessStartInfo("mono", string.Join(" ", all))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            _process = new Process { StartInfo = psi };
            _process.OutputDataReceived += (s, e) => { if (e.Data != null) lock (_lines) { _lines.Add(e.Data); Monitor.PulseAll(_lines); } };
            _process.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (_lines) { _lines.Add("STDERR " + e.Data); Monitor.PulseAll(_lines); } };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        private static string Quote(string s) { return "\"" + s + "\""; }

        public Process Process { get { return _process; } }

        public string Output { get { lock (_lines) return string.Join(" | ", _lines); } }

        /// <summary>Waits for a line starting with <paramref name="prefix"/>; fails after <paramref name="ms"/>.</summary>
        public void WaitForLine(string prefix, int ms = 30000)
        {
            var sw = Stopwatch.StartNew();
            lock (_lines)
            {
                while (!_lines.Any(l => l.StartsWith(prefix)))
                {
                    long left = ms - sw.ElapsedMilliseconds;
                    if (left <= 0 || (_process.HasExited && sw.ElapsedMilliseconds > 1000 && !_lines.Any(l => l.StartsWith(prefix))))
                        throw new TestFailure("peer never printed \"" + prefix + "\"; output: " + string.Join(" | ", _lines));
                    Monitor.Wait(_lines, (int)Math.Min(left, 100));
                }
            }
        }

        /// <summary>Waits for the exit; returns the exit code. Kills and fails after <paramref name="ms"/>.</summary>
        public int WaitExit(int ms = 30000)
        {
            if (!_process.WaitForExit(ms))
            {
                Kill();
                throw new TestFailure("peer did not exit within " + ms + " ms; output: " + Output);
            }
            _process.WaitForExit(); // flush the asynchronous output readers
            return _process.ExitCode;
        }

        public void ExpectDone(int ms = 30000)
        {
            int code = WaitExit(ms);
            if (code != 0 || !Output.Contains("DONE"))
                throw new TestFailure("peer failed (exit " + code + "): " + Output);
        }

        public void ExpectException(string typeName, int ms = 30000)
        {
            int code = WaitExit(ms);
            if (code != 3 || !Output.Contains("EXC " + typeName + ":"))
                throw new TestFailure("peer should have failed with " + typeName + " (exit " + code + "): " + Output);
        }

        public void Kill()
        {
            try { if (!_process.HasExited) _process.Kill(); }
            catch (Exception) { }
        }

        public void Dispose()
        {
            Kill();
            try { _process.WaitForExit(5000); } catch (Exception) { }
            _process.Dispose();
        }
    }
}

// ====================================================================== single-process tests
internal static partial class RuntimeTests
{
    private static void PrimitiveRoundTrips()
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
            // chained as in the seed README
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

    private static void LastValidOffsetAndOnePast()
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

    private static void NegativeOffsetsAndLengths()
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

    private static void CorruptStringLengths()
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

    private static void InvalidUtf8()
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

    private static void BoolReadsNonZeroAsTrue()
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

    private static void OnDiskHookAndDataBytes()
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

    private static void OnDiskPermissions()
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

    private static void OnDiskResize()
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

    private static void InvalidResizeChangesNothing()
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

    private static void InvalidPrefixes()
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

    private static void InvalidCapacity()
    {
        string prefix = NewPrefix("cap");
        Throws<InvalidCapacityException>(() => Create(prefix, 0), "capacity 0");
        Throws<InvalidCapacityException>(() => Create(prefix, -5), "negative capacity");
        Check(!File.Exists(PathOf(prefix)), "nothing left behind");
    }

    private static void DeleteFilesOnlyTouchesItsOwn()
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

    private static void CloseTwiceAndCallsAfterClose()
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

    private static void DeleteRemovesFiles()
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

    private static void FinalizerAfterCloseInChildProcess()
    {
        string prefix = NewPrefix("fin");
        using (var peer = new Peer("finalizer:" + prefix, "say:after"))
        {
            peer.ExpectDone();
            Check(peer.Output.Contains("SAY finalized") && peer.Output.Contains("SAY after"), "peer survived its finalizers: " + peer.Output);
        }
        byte[] hook = File.ReadAllBytes(PathOf(prefix + "b"));
        Eq((byte)1, hook[14], "the finalizer of an unclosed instance set the closed flag");
        SharedMemory.DeleteFiles(prefix + "b");
    }

    private static void AlreadyExists()
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

    private static void TimeoutIsBoundedAndDeletesFiles()
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

    private static void JoinMissingIsNotFound()
    {
        string prefix = NewPrefix("missing");
        var sw = Stopwatch.StartNew();
        var e = Throws<NotFoundException>(() => Join(prefix, Role.Python, 0.3f), "join a missing prefix");
        Check(sw.Elapsed.TotalSeconds < 15, "NotFound took " + sw.Elapsed.TotalSeconds + " s");
        Check(e.Message.Contains(prefix) && e.Message.Contains(Dir), "message names prefix and directory: " + e.Message);
    }

    private static void VersionMismatch()
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

    private static void HugeFileNumberIsCorrupt()
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

    private static void TruncatedHookIsCorrupt()
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

    private static void SymlinkAtHookRefused()
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

    private static void SymlinkAtDataRefused()
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

    private static void PollUnblockedNeverBlocks()
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

    private static void NoLockPeerIsNeverDeclaredDead()
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

    private static void JoinSeedStyleHook()
    {
        // Files as the original Unity package creates them (no lock held); we join as Python.
        EnsureDir();
        string prefix = NewPrefix("seed");
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
        Eq("hello", python.ReadString(0).Item1, "reads the seed's string");
        python.GiveControl(false);
        Eq((byte)1, File.ReadAllBytes(PathOf(prefix))[13], "gave control back to the seed side");
        python.Delete();
    }
}

// ====================================================================== two-process tests
internal static partial class RuntimeTests
{
    private static void TwoProcessPingPong()
    {
        const int rounds = 2000; // 2000 handoffs each way
        string prefix = NewPrefix("pingpong");
        var sm = Create(prefix, 64, Role.Unity, 30);
        using (var peer = new Peer("open:" + prefix + ":0:Python:30", "pingpong:" + rounds, "wait", "close"))
        {
            for (int i = 0; i < rounds; i++)
            {
                sm.WriteInt32(0, 2 * i);
                sm.WriteString(4, "t" + (2 * i));
                sm.GiveControl(false);
                int got = sm.ReadInt32(0).Item1; // waits for the peer
                if (got != 2 * i + 1) throw new TestFailure("round " + i + ": expected " + (2 * i + 1) + ", got " + got + "; peer: " + peer.Output);
                string s = sm.ReadString(4).Item1;
                if (s != "p" + (2 * i + 1)) throw new TestFailure("round " + i + ": string " + s);
            }
            sm.GiveControl(false); // the peer closes once it has control
            peer.ExpectDone();
        }
        Throws<PeerClosedException>(() => sm.WaitUnblocked(), "peer closed at the end");
    }

    private static void TwoProcessResizeByEachSide()
    {
        string prefix = NewPrefix("resize2");
        string d1 = PathOf(prefix + "_"), d2 = PathOf(prefix + "__"), d3 = PathOf(prefix + "___");
        var sm = Create(prefix, 32, Role.Unity, 30);
        sm.WriteInt32(0, 7);
        sm.WriteString(4, "hello");
        using (var peer = new Peer("open:" + prefix + ":0:Python:30", "ri:0:7", "rs:4:hello", "resize:100", "cap:100", "wi:90:1234",
                                   "give", "cap:300", "ri:250:99", "rs:4:hello", "ri:90:1234", "wi:0:8", "give", "close"))
        {
            sm.GiveControl(true);
            Eq(1234, sm.ReadInt32(90).Item1, "value written by the peer past the old end");
            Eq("hello", sm.ReadString(4).Item1, "contents preserved through the peer's resize");
            Eq(100, sm.Capacity, "capacity after the peer's resize");
            Check(!File.Exists(d1) && File.Exists(d2), "old data file deleted by us after the peer resized");
            sm.Resize(300);
            sm.WriteInt32(250, 99);
            sm.GiveControl(true);
            Eq(8, sm.ReadInt32(0).Item1, "peer's last write");
            Check(!File.Exists(d2) && File.Exists(d3), "old data file deleted by the peer after we resized");
            sm.GiveControl(false); // the peer closes once it has control
            peer.ExpectDone();
        }
        Throws<PeerClosedException>(() => sm.WaitUnblocked(), "then the peer closed");
        Check(!File.Exists(d3) && !File.Exists(PathOf(prefix)), "files deleted");
    }

    private static void PeerClosesWhileHoldingControl()
    {
        string prefix = NewPrefix("peerclose");
        var sm = Create(prefix, 16, Role.Unity, 30);
        sm.WriteInt32(0, 3);
        using (var peer = new Peer("open:" + prefix + ":0:Python:30", "ri:0:3", "close"))
        {
            sm.GiveControl(false);
            var e = Throws<PeerClosedException>(() => sm.WaitUnblocked(), "peer closed without giving control");
            Check(e.Message.Contains(prefix), "message names the prefix");
            peer.ExpectDone();
        }
        Check(!File.Exists(PathOf(prefix)) && !File.Exists(PathOf(prefix + "_")), "files deleted");
    }

    private static void WeCloseAndPeerSeesClosed()
    {
        string prefix = NewPrefix("weclose");
        var sm = Create(prefix, 16, Role.Unity, 30);
        using (var peer = new Peer("open:" + prefix + ":0:Python:30", "wi:0:4", "give", "say:unexpected"))
        {
            sm.GiveControl(true); // the peer writes, gives back and waits
            Eq(4, sm.ReadInt32(0).Item1, "peer's value");
            sm.Close();
            peer.ExpectException("PeerClosedException");
            Check(!peer.Output.Contains("SAY unexpected"), "peer stopped at the close");
        }
        Check(!File.Exists(PathOf(prefix)), "the peer deleted the files");
    }

    private static void TwoProcessTimeout()
    {
        string prefix = NewPrefix("timeout2");
        var sm = Create(prefix, 16, Role.Unity, 0.5f);
        using (var peer = new Peer("open:" + prefix + ":0:Python:30", "say:joined", "sleep:60000"))
        {
            sm.GiveControl(false);
            peer.WaitForLine("SAY joined");
            var sw = Stopwatch.StartNew();
            Throws<PusmTimeoutException>(() => sm.WaitUnblocked(), "peer holds control too long");
            Check(sw.Elapsed.TotalSeconds < 15, "timed out in " + sw.Elapsed.TotalSeconds + " s");
        }
        Check(!File.Exists(PathOf(prefix)), "files deleted on timeout");
    }

    private static void LateCreator()
    {
        string prefix = NewPrefix("late");
        using (var peer = new Peer("say:started", "open:" + prefix + ":0:Python:30", "ri:0:77", "rs:4:late", "wi:0:78", "give", "close"))
        {
            peer.WaitForLine("SAY started");
            Thread.Sleep(500); // the joiner is now polling for the hook
            Check(!peer.Process.HasExited, "joiner waits for the hook: " + peer.Output);
            var sm = Create(prefix, 16, Role.Unity, 30);
            sm.WriteInt32(0, 77);
            sm.WriteString(4, "late");
            sm.GiveControl(true);
            Eq(78, sm.ReadInt32(0).Item1, "late joiner answered");
            sm.GiveControl(false);
            peer.ExpectDone();
            Throws<PeerClosedException>(() => sm.WaitUnblocked(), "then the joiner closed");
        }
    }

    private static void KilledPeerIsDetected()
    {
        string prefix = NewPrefix("kill");
        var sm = Create(prefix, 16, Role.Unity, 60);
        using (var peer = new Peer("open:" + prefix + ":0:Python:60", "say:holding", "hang"))
        {
            sm.GiveControl(false);
            peer.WaitForLine("SAY holding");
            var killer = new Thread(() => { Thread.Sleep(300); peer.Kill(); });
            var sw = Stopwatch.StartNew();
            killer.Start();
            var e = Throws<PeerDiedException>(() => sm.WaitUnblocked(), "peer killed while holding control");
            killer.Join();
            Check(sw.Elapsed.TotalSeconds < 20, "death detected after " + sw.Elapsed.TotalSeconds + " s (timeout 60 s)");
            Eq(Role.Python, e.PeerRole, "PeerRole");
        }
        Check(!File.Exists(PathOf(prefix)) && !File.Exists(PathOf(prefix + "_")), "files deleted");
    }

    private static void KilledCreatorIsDetectedByJoiner()
    {
        string prefix = NewPrefix("killcreator");
        using (var peer = new Peer("open:" + prefix + ":1:Python:60:16", "say:created", "hang"))
        {
            peer.WaitForLine("SAY created");
            var killer = new Thread(() => { Thread.Sleep(300); peer.Kill(); });
            var sw = Stopwatch.StartNew();
            killer.Start();
            Throws<PeerDiedException>(() => Join(prefix, Role.Unity, 60), "creator killed while the joiner waits in its constructor");
            killer.Join();
            Check(sw.Elapsed.TotalSeconds < 20, "death detected after " + sw.Elapsed.TotalSeconds + " s");
        }
        Check(!File.Exists(PathOf(prefix)), "files deleted");
    }

    private static void SameRoleTwiceIsRoleTaken()
    {
        string prefix = NewPrefix("role");
        using (var sm = Create(prefix, 16, Role.Unity, 30))
        {
            using (var peer = new Peer("open:" + prefix + ":0:Unity:5"))
            {
                peer.ExpectException("RoleTakenException");
            }
            Eq((byte)0, File.ReadAllBytes(PathOf(prefix))[14], "the refused joiner did not close the conversation");
            sm.WriteInt32(0, 1);
            // in-process too (each instance has its own open file description)
            Throws<RoleTakenException>(() => Join(prefix, Role.Unity, 5), "same role in the same process");
            // the other role is free
            sm.GiveControl(false);
            using (var python = Join(prefix, Role.Python, 5)) { Eq(1, python.ReadInt32(0).Item1, "Python joins"); }
        }
    }

    private static void ReplaceStaleLeftovers()
    {
        EnsureDir();
        string prefix = NewPrefix("stale");
        File.WriteAllBytes(PathOf(prefix), Hook(1, 3, 8, 1, 0, 0));
        File.WriteAllBytes(PathOf(prefix + "_"), new byte[] { 1, 2, 3 });
        File.WriteAllBytes(PathOf(prefix + "___"), new byte[] { 9, 9, 9, 9, 9, 9, 9, 9 });
        File.WriteAllBytes(PathOf(prefix + "other"), new byte[] { 1 });
        Throws<AlreadyExistsException>(() => Create(prefix, 16), "leftovers without replaceStale");
        using (var sm = new SharedMemory(prefix, 16, true, 10, Role.Unity, WaitStrategy.Adaptive, true))
        {
            BytesEq(Hook(1, 1, 16, 0, 1, 0), File.ReadAllBytes(PathOf(prefix)), "fresh hook");
            BytesEq(new byte[16], File.ReadAllBytes(PathOf(prefix + "_")), "fresh data file");
            Check(!File.Exists(PathOf(prefix + "___")), "old data file removed");
            Check(File.Exists(PathOf(prefix + "other")), "other prefixes untouched");
            sm.WriteInt32(0, 1);
        }
        SharedFiles.DeleteQuietly(PathOf(prefix + "other"));
    }

    private static void ReplaceStaleRefusesLive()
    {
        string prefix = NewPrefix("live");
        using (var peer = new Peer("open:" + prefix + ":1:Python:60:16", "wi:0:5", "say:created", "hang"))
        {
            peer.WaitForLine("SAY created");
            var e = Throws<AlreadyExistsException>(() => new SharedMemory(prefix, 16, true, 10, Role.Unity, WaitStrategy.Adaptive, true), "replaceStale over a live conversation");
            Check(e.Message.Contains("live"), "message says it is live: " + e.Message);
            Check(File.Exists(PathOf(prefix)) && File.ReadAllBytes(PathOf(prefix + "_"))[0] == 5, "live files untouched");
            peer.Kill();
            peer.WaitExit();
        }
        // the killed creator left stale files: now they can be replaced
        using (var sm = new SharedMemory(prefix, 32, true, 10, Role.Unity, WaitStrategy.Adaptive, true))
        {
            BytesEq(new byte[32], File.ReadAllBytes(PathOf(prefix + "_")), "replaced after the creator died");
        }
    }

    /// <summary>The peer gives control and measures its own CPU time (Process.TotalProcessorTime)
    /// while it waits the ~300 ms we hold control. Mono only reports CPU times of the current
    /// process, so the peer measures and prints it.</summary>
    private static double PeerCpuWhileWaiting(string strategy)
    {
        string prefix = NewPrefix("cpu" + strategy);
        var sm = Create(prefix, 16, Role.Unity, 30);
        using (var peer = new Peer("open:" + prefix + ":0:Python:30:0:0:" + strategy, "cpugive", "ri:0:1", "give", "close"))
        {
            sm.GiveControl(true); // returns once the peer gave control back: it now waits
            Thread.Sleep(300);
            sm.WriteInt32(0, 1);
            sm.GiveControl(true);
            sm.GiveControl(false);
            peer.ExpectDone();
            string line = peer.Output.Split(new[] { " | " }, StringSplitOptions.None).First(l => l.StartsWith("CPU "));
            string[] parts = line.Split(' ');
            double cpu = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            double wall = double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            Check(wall >= 0.25, "the peer waited only " + wall + " s");
            Throws<PeerClosedException>(() => sm.WaitUnblocked(), "the peer closed");
            return cpu / wall;
        }
    }

    /// <summary>Probes the hook's bytes 12 and 13 through an independent open file description,
    /// as the Rust and Python runtimes do.</summary>
    private static LockState ProbeByHand(string hookPath, int offset)
    {
        LinuxApi api = Platform.Linux;
        int fd = api.Open(hookPath, LinuxApi.O_RDONLY, 0);
        Check(fd >= 0, "open " + hookPath);
        try { return OfdLock.Probe(fd, offset); }
        finally { LinuxLibc.close(fd); }
    }

    private static void LockBytesMatchProtocol()
    {
        string prefix = NewPrefix("lockbytes");
        string hook = PathOf(prefix);
        var unity = Create(prefix, 8, Role.Unity);
        Eq(LockState.Unlocked, ProbeByHand(hook, 12), "byte 12 (Python) before the joiner");
        Eq(LockState.Locked, ProbeByHand(hook, 13), "byte 13 held by the Unity creator");
        Eq(LockState.Unlocked, ProbeByHand(hook, 14), "byte 14 never locked");
        unity.GiveControl(false);
        var python = Join(prefix, Role.Python);
        Eq(LockState.Locked, ProbeByHand(hook, 12), "byte 12 held by the Python joiner");
        python.Close();
        Eq(LockState.Unlocked, ProbeByHand(hook, 12), "byte 12 released by Close");
        Eq(LockState.Locked, ProbeByHand(hook, 13), "byte 13 still held");
        Eq(LockState.Unlocked, ProbeByHand(hook, 14), "byte 14 still never locked");
        unity.Close();
        // Python closed first, so Unity's Close is the last one and removes the files.
        Check(!File.Exists(hook), "the last Close removes the files");

        // roles reversed: a Python creator locks byte 12
        string p2 = NewPrefix("lockbytes2");
        using (var creator = Create(p2, 8, Role.Python))
        {
            Eq(LockState.Locked, ProbeByHand(PathOf(p2), 12), "Python creator holds byte 12");
            Eq(LockState.Unlocked, ProbeByHand(PathOf(p2), 13), "byte 13 free");
            BytesEq(Hook(1, 1, 8, 1, 0, 0), File.ReadAllBytes(PathOf(p2)), "a Python creator sets flag 12");
        }
    }

    private static void CloseFromAnotherThreadWhileWaiting()
    {
        string prefix = NewPrefix("threadclose");
        var sm = Create(prefix, 8, Role.Unity, 30);
        sm.GiveControl(false); // to nobody
        Exception seen = null;
        var waiter = new Thread(() =>
        {
            try { sm.WaitUnblocked(); }
            catch (Exception e) { seen = e; }
        });
        waiter.Start();
        Thread.Sleep(200);
        sm.Close();
        Check(waiter.Join(10000), "the waiting thread returned after Close");
        Check(seen is ObjectDisposedException, "waiting thread got ObjectDisposedException, got " + (seen == null ? "nothing" : seen.GetType().Name));
        Eq((byte)1, File.ReadAllBytes(PathOf(prefix))[14], "closed flag set");
        sm.Delete();
        Check(!File.Exists(PathOf(prefix)), "Delete after Close removed the files");
    }

    private static void WaitingUsesLittleCpu()
    {
        double ratio = PeerCpuWhileWaiting("Adaptive");
        Console.WriteLine("     adaptive waiter CPU: " + (ratio * 100).ToString("F1") + "% of wall time");
        Check(ratio < 0.5, "adaptive waiting used " + (ratio * 100).ToString("F0") + "% CPU");
    }

    private static void SpinningUsesCpu()
    {
        // Shows the CPU measurement above can fail (Mono reports 0 for other processes' CPU time,
        // which is why the peer measures itself): a spinning waiter burns its core. The bound is
        // low on purpose: on a loaded machine the spinner only gets a share of a core.
        double ratio = PeerCpuWhileWaiting("Spin");
        Console.WriteLine("     spinning waiter CPU: " + (ratio * 100).ToString("F1") + "% of wall time");
        Check(ratio > 0.1, "spinning waiter used only " + (ratio * 100).ToString("F0") + "% CPU: is the measurement broken?");
    }
}
