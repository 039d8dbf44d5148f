// Races and wake-ups between processes. replaceStale (issue 13.1): several racers replace the
// same stale conversation at the same instant; exactly one may win each round, and its files must
// survive. Futex (issue 14): a giver in another process wakes this side's wait.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using PythonUnitySharedMemory;

internal static partial class RuntimeTests
{
    private const int RaceRounds = 150;
    private const int Racers = 3;

    /// <summary>Each round: stale files (a complete hook no process holds, a data file) under a
    /// fresh prefix; the racers, polling for a "go" file, all call new SharedMemory(...,
    /// replaceStale: true) at once. Exactly one wins; its hook and data file are intact while it
    /// holds them; then an "end" file lets the winner close and everyone go on.</summary>
    private static void ReplaceStaleRaceHasExactlyOneWinner()
    {
        EnsureDir();
        string signals = Path.Combine(Path.GetTempPath(), "pusm-race-" + Process.GetCurrentProcess().Id + "-" + Interlocked.Increment(ref s_counter));
        Directory.CreateDirectory(signals);
        string base_ = NewPrefix("race") + "r";
        try
        {
            for (int r = 0; r < RaceRounds; r++)
            {
                File.WriteAllBytes(PathOf(base_ + r), Hook(1, 1, 8, 0, 1, 0));
                File.WriteAllBytes(PathOf(base_ + r + "_"), new byte[] { 9, 9, 9, 9, 9, 9, 9, 9 });
            }
            var racers = new List<Peer>();
            try
            {
                for (int i = 0; i < Racers; i++)
                    racers.Add(new Peer("race:" + signals + ":" + base_ + ":" + RaceRounds));
                foreach (Peer racer in racers) racer.WaitForLine("SAY ready");
                for (int r = 0; r < RaceRounds; r++)
                {
                    File.WriteAllBytes(Path.Combine(signals, "go-" + r), new byte[0]);
                    foreach (Peer racer in racers) racer.WaitForLine("R " + r + " ");
                    var results = racers.Select(p => p.Lines.First(l => l.StartsWith("R " + r + " "))).ToList();
                    int winners = results.Count(l => l.EndsWith(" WIN"));
                    Eq(1, winners, "winners in round " + r + " (" + string.Join(", ", results) + ")");
                    Check(File.Exists(PathOf(base_ + r)) && File.Exists(PathOf(base_ + r + "_")),
                        "the winner's files exist in round " + r + " (" + string.Join(", ", results) + ")");
                    byte[] hook = File.ReadAllBytes(PathOf(base_ + r));
                    BytesEq(Hook(1, 1, 16, 0, 1, 0), hook, "the winner's hook in round " + r);
                    BytesEq(new byte[16], File.ReadAllBytes(PathOf(base_ + r + "_")), "the winner's data file in round " + r);
                    foreach (string lost in results.Where(l => !l.EndsWith(" WIN")))
                        Check(lost.Contains("AlreadyExistsException"), "a loser is told the conversation exists: " + lost);
                    File.WriteAllBytes(Path.Combine(signals, "end-" + r), new byte[0]);
                }
                foreach (Peer racer in racers) racer.ExpectDone();
            }
            finally
            {
                foreach (Peer racer in racers) racer.Dispose();
            }
        }
        finally
        {
            for (int r = 0; r < RaceRounds; r++) SharedMemory.DeleteFiles(base_ + r);
            try { Directory.Delete(signals, true); } catch (Exception) { }
        }
    }
}

internal static partial class RuntimeTests
{
    /// <summary>Issue 14 across processes: this side waits while a C# peer process holds control
    /// for a while, then gives it back; the wait ends by a futex wake-up from the other process.</summary>
    private static void PeerProcessWakesTheWaiterThroughTheFutex()
    {
        string prefix = NewPrefix("futexproc");
        // One futex wait may last 20 s here: on a loaded machine the peer's hand-over could
        // otherwise land between two 50 ms waits and be seen without a wake-up.
        int bound = FutexWord.PusmPeerWaitMicros;
        FutexWord.PusmPeerWaitMicros = 20000000;
        try
        {
            using (var sm = Create(prefix, 16, Role.Unity, 30))
            using (var peer = new Peer("open:" + prefix + ":0:Python:30", "say:joined", "sleep:300", "wi:0:7", "give0", "say:given", "hang"))
            {
                sm.GiveControl(false);
                peer.WaitForLine("SAY joined");
                sm.WaitUnblocked(); // the peer sleeps 300 ms holding control, then gives it back
                Eq(7, sm.ReadInt32(0).Item1, "the peer's message");
                Check(sm.FutexWakeups >= 1, "the wait ended by a futex wake-up from the peer process (" + sm.FutexWakeups + ")");
                peer.Kill();
                peer.WaitExit();
            }
        }
        finally
        {
            FutexWord.PusmPeerWaitMicros = bound;
        }
    }
}
