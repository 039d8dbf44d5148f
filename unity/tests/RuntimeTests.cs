// Standalone test program for the pusm C# runtime (no NUnit): with SingleProcessTests.cs,
// TwoProcessTests.cs and RaceTests.cs, compiled with mcs together with
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
        tests.Add(new TestCase("FinalizerAfterCloseInChildProcess", FinalizerAfterCloseInChildProcess, false));
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
        tests.Add(new TestCase("ReplaceStaleRaceHasExactlyOneWinner", ReplaceStaleRaceHasExactlyOneWinner, true));
        tests.Add(new TestCase("PeerProcessWakesTheWaiterThroughTheFutex", PeerProcessWakesTheWaiterThroughTheFutex, true));
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
        // The package's Tests/Editor classes (NUnit attributes), the same bodies Unity runs.
        NUnitRunner.RunAll(filters, ref passed, ref failed);
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

        public List<string> Lines { get { lock (_lines) return new List<string>(_lines); } }

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
