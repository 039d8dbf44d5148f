using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using NUnit.Framework;
using PythonUnitySharedMemory;
using static Pusm.Tests.TestSupport;

namespace Pusm.Tests
{
    /// <summary>Turns against peers that are original packages (simulated by writing the hook's
    /// bytes by hand, as they do) and against pusm peers: resizes, implicit close, wake-ups.</summary>
    [TestFixture]
    public class TurnTests
    {
        [Test]
        public void ResizingTwiceInOneTurnLeavesNoIntermediateFile()
        {
            string prefix = NewPrefix("resize2");
            try
            {
                using (var sm = new SharedMemory(prefix, 16, true, 5))
                {
                    sm.WriteInt32(0, 5);
                    sm.Resize(32);
                    sm.Resize(64);
                    Assert.IsTrue(File.Exists(PathOf(prefix + "_")), "the file the peer knows stays for it to switch from");
                    Assert.IsFalse(File.Exists(PathOf(prefix + "__")), "the intermediate file only this side knew is gone");
                    Assert.AreEqual(64, ReadAll(PathOf(prefix + "___")).Length);
                    Assert.AreEqual(5, sm.ReadInt32(0).Item1);
                    sm.GiveControl(false);

                    // The original peer switches to file 3 and hands control back by writing flags.
                    WriteByteByHand(PathOf(prefix), 12, 0);
                    WriteByteByHand(PathOf(prefix), 13, 1);
                    sm.Resize(128); // a new turn: file 3 is known to the peer, so it stays for it
                    Assert.IsTrue(File.Exists(PathOf(prefix + "___")));
                    Assert.AreEqual(128, ReadAll(PathOf(prefix + "____")).Length);
                }
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void ImplicitCloseAfterHandingOverLeavesTheMessageReadable()
        {
            string prefix = NewPrefix("implicit");
            try
            {
                WeakReference dropped = null;
                var maker = new Thread(() => dropped = CreateWriteAndDrop(prefix, true));
                maker.Start();
                maker.Join();
                CollectUntilFinalized(dropped);
                byte[] hook = ReadAll(PathOf(prefix));
                Assert.AreEqual(0, hook[14], "the closed flag stays unset: the original peer may still read");
                Assert.AreEqual(1, hook[12], "control is with the Python side");
                Assert.AreEqual(42, BitConverter.ToInt32(ReadAll(PathOf(prefix + "_")), 0));
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void ImplicitCloseWhileHoldingControlSetsTheClosedFlag()
        {
            string prefix = NewPrefix("implicitheld");
            try
            {
                WeakReference dropped = null;
                var maker = new Thread(() => dropped = CreateWriteAndDrop(prefix, false));
                maker.Start();
                maker.Join();
                CollectUntilFinalized(dropped);
                Assert.AreEqual(1, ReadAll(PathOf(prefix))[14], "nobody else holds control: the peer learns it is alone");
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference CreateWriteAndDrop(string prefix, bool handOver)
        {
            var sm = new SharedMemory(prefix, 16, true, 5);
            sm.WriteInt32(0, 42);
            if (handOver) sm.GiveControl(false);
            return new WeakReference(sm);
        }

        [Test]
        public void PusmGiverWakesTheWaiterThroughTheFutex()
        {
            if (Platform.Linux == null) Assert.Ignore("futex wake-ups are used by the native Linux backend only");
            string prefix = NewPrefix("futex");
            try
            {
                using (var creator = new SharedMemory(prefix, 16, true, 20))
                {
                    // Joining waits for the creator to give control: join on another thread.
                    SharedMemory joiner = null;
                    var joining = new Thread(() => joiner = new SharedMemory(prefix, 0, false, 20, Role.Python));
                    joining.Start();
                    Thread.Sleep(100);
                    creator.GiveControl(false);
                    Assert.IsTrue(joining.Join(20000), "the joiner got control");
                    using (joiner)
                    {
                        joiner.GiveControl(false);
                        creator.WaitUnblocked();
                        int before = joiner.FutexWakeups;
                        for (int round = 0; round < 5; round++)
                        {
                            creator.WriteInt32(0, round);
                            var waiter = new Thread(() => joiner.WaitUnblocked());
                            waiter.Start();
                            // Long enough for the waiter to be past its spin phase, asleep on the futex.
                            Thread.Sleep(100);
                            creator.GiveControl(false);
                            Assert.IsTrue(waiter.Join(20000), "the waiter got control");
                            Assert.AreEqual(round, joiner.ReadInt32(0).Item1);
                            joiner.GiveControl(false);
                            creator.WaitUnblocked();
                        }
                        // Without a wake-up every futex wait ends by its timeout and the count stays 0;
                        // a heavily loaded machine may let a give come before the waiter sleeps.
                        Assert.GreaterOrEqual(joiner.FutexWakeups - before, 1, "a give ended a futex wait by a wake-up");
                    }
                }
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void OriginalGiverThatOnlyWritesTheFlagStillHandsOver()
        {
            string prefix = NewPrefix("origgive");
            try
            {
                using (var sm = new SharedMemory(prefix, 16, true, 20))
                {
                    sm.WriteInt32(0, 1);
                    sm.GiveControl(false);
                    Exception failure = null;
                    var waiter = new Thread(() =>
                    {
                        try { sm.WaitUnblocked(); }
                        catch (Exception e) { failure = e; }
                    });
                    waiter.Start();
                    Thread.Sleep(100);
                    // The original Python package: write the data, then the flags; no wake-up.
                    WriteByteByHand(PathOf(prefix + "_"), 0, 2);
                    WriteByteByHand(PathOf(prefix), 12, 0);
                    WriteByteByHand(PathOf(prefix), 13, 1);
                    Assert.IsTrue(waiter.Join(20000), "the waiter noticed the flag");
                    Assert.IsNull(failure);
                    Assert.AreEqual(2, sm.ReadInt32(0).Item1);
                    Assert.AreEqual(0, sm.FutexWakeups, "no pusm peer: the waiter kept its sleeping backoff");
                }
            }
            finally
            {
                Cleanup(prefix);
            }
        }
    }
}
