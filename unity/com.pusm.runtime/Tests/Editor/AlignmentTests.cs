using System.IO;
using NUnit.Framework;
using PythonUnitySharedMemory;
using static Pusm.Tests.TestSupport;

namespace Pusm.Tests
{
    /// <summary>The same faults give the same errors in every pusm runtime (docs/DECISIONS.md,
    /// rule C), and files the other runtimes accept are accepted here too.</summary>
    [TestFixture]
    public class AlignmentTests
    {
        [Test]
        public void HookStillAtVersionZeroIsCorruptAfterTheGracePeriod()
        {
            string prefix = NewPrefix("v0");
            File.WriteAllBytes(PathOf(prefix), Hook(0, 1, 16, 0, 1, 0));
            File.WriteAllBytes(PathOf(prefix + "_"), new byte[16]);
            try
            {
                var e = Assert.Throws<CorruptHookException>(() => new SharedMemory(prefix, 0, false, 10));
                StringAssert.Contains("version is still 0", e.Message);
                Assert.AreEqual(PathOf(prefix), e.Path);
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void PrefixMustLeaveRoomForTheFirstDataFileName()
        {
            string tooLong = NewPrefix("p").PadRight(255, 'x');
            var e = Assert.Throws<InvalidPrefixException>(() => new SharedMemory(tooLong, 16, true, 1));
            StringAssert.Contains("255 UTF-8 bytes", e.Message);
            Assert.IsFalse(File.Exists(PathOf(tooLong)), "refused before any file is touched");
            // 127 two-byte characters and one more byte: 255 bytes although 128 characters.
            string wide = new string('\u00e9', 127) + "x";
            Assert.Throws<InvalidPrefixException>(() => new SharedMemory(wide, 16, true, 1));
            Assert.Throws<InvalidPrefixException>(() => new SharedMemory("lone\ud800surrogate", 16, true, 1));

            string longest = NewPrefix("p").PadRight(254, 'x');
            try
            {
                using (var sm = new SharedMemory(longest, 16, true, 1)) sm.WriteInt32(0, 7);
            }
            finally
            {
                Cleanup(longest);
            }
        }

        [Test]
        public void ResizePastTheNameLimitIsInvalidResizeAndChangesNothing()
        {
            string prefix = NewPrefix("r").PadRight(253, 'x');
            try
            {
                using (var sm = new SharedMemory(prefix, 16, true, 5))
                {
                    sm.WriteInt32(0, 42);
                    sm.Resize(32); // data file 2: a 255-byte name, the longest there is
                    var e = Assert.Throws<InvalidResizeException>(() => sm.Resize(64));
                    StringAssert.Contains("exceed 255 bytes", e.Message);
                    Assert.AreEqual(32, e.Current);
                    Assert.AreEqual(64, e.Requested);
                    Assert.AreEqual(32, sm.Capacity);
                    Assert.AreEqual(42, sm.ReadInt32(0).Item1);
                    Assert.AreEqual(2, System.BitConverter.ToInt32(ReadAll(PathOf(prefix)), 4), "the hook still names file 2");
                }
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void LongerHookAndDataFilesAreAccepted()
        {
            string prefix = NewPrefix("long");
            var hook = new byte[20];
            Hook(1, 1, 16, 0, 1, 0).CopyTo(hook, 0);
            var data = new byte[40];
            System.BitConverter.GetBytes(1234).CopyTo(data, 0);
            File.WriteAllBytes(PathOf(prefix), hook);
            File.WriteAllBytes(PathOf(prefix + "_"), data);
            try
            {
                using (var sm = new SharedMemory(prefix, 0, false, 5))
                {
                    Assert.AreEqual(16, sm.Capacity);
                    Assert.AreEqual(1234, sm.ReadInt32(0).Item1);
                    sm.WriteInt32(12, 99);
                    Assert.Throws<OutOfBoundsException>(() => sm.WriteInt32(16, 1));
                    sm.GiveControl(false);
                    Assert.AreEqual(1, ReadAll(PathOf(prefix))[12], "control handed to the Python side");
                }
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void ImpossibleCapacityInTheHookIsCorrupt()
        {
            string prefix = NewPrefix("cap");
            File.WriteAllBytes(PathOf(prefix), Hook(1, 1, -1, 0, 1, 0));
            File.WriteAllBytes(PathOf(prefix + "_"), new byte[16]);
            try
            {
                var e = Assert.Throws<CorruptHookException>(() => new SharedMemory(prefix, 0, false, 2));
                StringAssert.Contains("capacity -1", e.Message);
            }
            finally
            {
                Cleanup(prefix);
            }
        }
    }
}
