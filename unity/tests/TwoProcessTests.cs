// Two-process tests of the pusm C# runtime, with Peer.exe children (see RuntimeTests.cs).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PythonUnitySharedMemory;

// ====================================================================== two-process tests
internal static partial class RuntimeTests
{
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
