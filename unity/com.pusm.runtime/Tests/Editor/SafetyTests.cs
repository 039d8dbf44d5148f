using System.IO;
using NUnit.Framework;
using PythonUnitySharedMemory;
using static Pusm.Tests.TestSupport;

namespace Pusm.Tests
{
    /// <summary>Files and directories pusm refuses (docs/RELIABILITY.md): every refusal is an
    /// <see cref="UnsafeFileException"/> naming the path, in both backends.</summary>
    [TestFixture]
    public class SafetyTests
    {
        [Test]
        public void WorldWritableDirectoryWithoutStickyBitIsRefusedAndNeverChmodded()
        {
            LinuxApi api = RequireFileStatus();
            string dir = Dir;
            int before = Posix.ModeOf(api, dir);
            string prefix = NewPrefix("ww");
            try
            {
                Assert.AreEqual(0, Posix.chmod(dir, 0x1FF)); // 0777
                var e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 16, true, 5));
                StringAssert.Contains("sticky", e.Message);
                Assert.AreEqual(dir, e.Path);
                Assert.AreEqual(0x1FF, Posix.ModeOf(api, dir), "the directory's mode is left alone");
                Assert.IsFalse(File.Exists(PathOf(prefix)), "nothing was created");
                Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 1));

                Assert.AreEqual(0, Posix.chmod(dir, 0x3FF)); // 01777, like /tmp: accepted
                using (var sm = new SharedMemory(prefix, 16, true, 5)) sm.WriteInt32(0, 1);
                Assert.AreEqual(0x3FF, Posix.ModeOf(api, dir));
            }
            finally
            {
                Posix.chmod(dir, before);
                Cleanup(prefix);
            }
        }

        [Test]
        public void FifoAtTheHookIsUnsafe()
        {
            RequireFileStatus();
            string prefix = NewPrefix("fifo");
            try
            {
                Assert.AreEqual(0, Posix.mkfifo(PathOf(prefix), 0x180));
                var e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 1));
                StringAssert.Contains("FIFO", e.Message);
                Assert.AreEqual(PathOf(prefix), e.Path);
                Assert.Throws<UnsafeFileException>(
                    () => new SharedMemory(prefix, 16, true, 1, Role.Unity, WaitStrategy.Adaptive, true));
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void SocketAtTheHookIsUnsafe()
        {
            RequireFileStatus();
            string prefix = NewPrefix("sock");
            int fd = Posix.BindUnixSocket(PathOf(prefix));
            try
            {
                var e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 1));
                StringAssert.Contains("socket", e.Message);
            }
            finally
            {
                Posix.close(fd);
                Cleanup(prefix);
            }
        }

        [Test]
        public void DirectoryAtTheHookIsUnsafeAtOnce()
        {
            string prefix = NewPrefix("dirhook");
            Directory.CreateDirectory(PathOf(prefix));
            try
            {
                // Refused as what it is, not reported as a missing hook once the timeout is over.
                var e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 2));
                StringAssert.Contains("directory", e.Message);
                Assert.Throws<UnsafeFileException>(
                    () => new SharedMemory(prefix, 16, true, 1, Role.Unity, WaitStrategy.Adaptive, true));
                Assert.IsTrue(Directory.Exists(PathOf(prefix)), "the directory is left alone");
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void DirectoryAtTheDataPathIsUnsafe()
        {
            string prefix = NewPrefix("dirdata");
            File.WriteAllBytes(PathOf(prefix), Hook(1, 1, 16, 0, 1, 0));
            Directory.CreateDirectory(PathOf(prefix + "_"));
            try
            {
                var e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 2));
                Assert.AreEqual(PathOf(prefix + "_"), e.Path);
            }
            finally
            {
                Cleanup(prefix);
            }
        }

        [Test]
        public void HardLinkedHookOrDataFileIsRefused()
        {
            RequireFileStatus();
            string prefix = NewPrefix("hardlink");
            string elsewhere = PathOf(prefix + "-elsewhere");
            try
            {
                File.WriteAllBytes(PathOf(prefix), Hook(1, 1, 16, 0, 1, 0));
                File.WriteAllBytes(PathOf(prefix + "_"), new byte[16]);
                Assert.AreEqual(0, Posix.link(PathOf(prefix), elsewhere));
                var e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 2));
                StringAssert.Contains("hard link", e.Message);
                Assert.AreEqual(PathOf(prefix), e.Path);

                Assert.AreEqual(0, Posix.unlink(elsewhere));
                Assert.AreEqual(0, Posix.link(PathOf(prefix + "_"), elsewhere));
                e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 2));
                Assert.AreEqual(PathOf(prefix + "_"), e.Path);
            }
            finally
            {
                Posix.unlink(elsewhere);
                Cleanup(prefix);
            }
        }

        [Test]
        public void AnotherUsersHookIsRefused()
        {
            RequireFileStatus();
            if (Posix.geteuid() != 0) Assert.Ignore("needs root to give a file to another user");
            string prefix = NewPrefix("owner");
            try
            {
                File.WriteAllBytes(PathOf(prefix), Hook(1, 1, 16, 0, 1, 0));
                File.WriteAllBytes(PathOf(prefix + "_"), new byte[16]);
                Assert.AreEqual(0, Posix.chown(PathOf(prefix), 4242, 4242));
                var e = Assert.Throws<UnsafeFileException>(() => new SharedMemory(prefix, 0, false, 2));
                StringAssert.Contains("uid 4242", e.Message);
            }
            finally
            {
                Cleanup(prefix);
            }
        }
    }
}
