using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using NUnit.Framework;
using PythonUnitySharedMemory;

namespace Pusm.Tests
{
    /// <summary>
    /// Helpers shared by the package's tests. They run in Unity's Test Runner (NUnit) and, in CI,
    /// under mono through unity/tests/run.sh (both backends), so they use only NUnit's classic
    /// Assert API. Every test uses its own prefix and removes its files.
    /// </summary>
    internal static class TestSupport
    {
        private static int s_counter;

        /// <summary>The shared memory directory (created if missing).</summary>
        internal static string Dir
        {
            get
            {
                string dir = SharedFiles.DirectoryPath;
                Directory.CreateDirectory(dir);
                return dir;
            }
        }

        internal static string NewPrefix(string what)
        {
            return "u" + Interlocked.Increment(ref s_counter) + "-" + what + "-" + System.Diagnostics.Process.GetCurrentProcess().Id;
        }

        internal static string PathOf(string name)
        {
            return Path.Combine(Dir, name);
        }

        /// <summary>The 15 hook bytes as an original package writes them.</summary>
        internal static byte[] Hook(int version, int fileNumber, int capacity, byte python, byte unity, byte closed)
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

        /// <summary>Writes one byte of a file in place, as an original package flips a flag (no wake-up).</summary>
        internal static void WriteByteByHand(string path, int offset, byte value)
        {
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
                fs.Seek(offset, SeekOrigin.Begin);
                fs.WriteByte(value);
                fs.Flush();
            }
        }

        internal static byte[] ReadAll(string path)
        {
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                var bytes = new byte[fs.Length];
                int done = 0;
                while (done < bytes.Length)
                {
                    int n = fs.Read(bytes, done, bytes.Length - done);
                    if (n <= 0) break;
                    done += n;
                }
                return bytes;
            }
        }

        /// <summary>Removes every file of <paramref name="prefix"/>, whatever it is (file, directory, FIFO, socket).</summary>
        internal static void Cleanup(string prefix)
        {
            foreach (string path in Directory.GetFileSystemEntries(Dir))
            {
                if (!SharedFiles.IsConversationFile(prefix, Path.GetFileName(path))) continue;
                try
                {
                    if (Directory.Exists(path) && !SharedFiles.IsSymlink(path)) Directory.Delete(path, true);
                    else if (Platform.Checks != null) Posix.unlink(path); // FIFOs and sockets too
                    else File.Delete(path);
                }
                catch (Exception)
                {
                }
            }
        }

        /// <summary>Skips the test where the system cannot tell file types, links, modes and owners.</summary>
        internal static LinuxApi RequireFileStatus()
        {
            LinuxApi api = Platform.Checks;
            if (api == null || !Posix.Available) Assert.Ignore("needs Linux file status (stat) to check file types, links and owners");
            return api;
        }

        /// <summary>Collects until the weak reference is dead and its finalizer has run.</summary>
        internal static void CollectUntilFinalized(WeakReference weak)
        {
            for (int i = 0; i < 50 && weak.IsAlive; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(10);
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.IsFalse(weak.IsAlive, "the dropped SharedMemory was never collected");
        }
    }

    /// <summary>The C library calls the tests use to plant unusual files.</summary>
    internal static class Posix
    {
        internal static bool Available
        {
            get { return Platform.IsUnixLike; }
        }

        [DllImport("libc", SetLastError = true)] internal static extern int mkfifo([MarshalAs(UnmanagedType.LPStr)] string path, int mode);
        [DllImport("libc", SetLastError = true)] internal static extern int link([MarshalAs(UnmanagedType.LPStr)] string from, [MarshalAs(UnmanagedType.LPStr)] string to);
        [DllImport("libc", SetLastError = true)] internal static extern int unlink([MarshalAs(UnmanagedType.LPStr)] string path);
        [DllImport("libc", SetLastError = true)] internal static extern int chmod([MarshalAs(UnmanagedType.LPStr)] string path, int mode);
        [DllImport("libc", SetLastError = true)] internal static extern int chown([MarshalAs(UnmanagedType.LPStr)] string path, int uid, int gid);
        [DllImport("libc", SetLastError = true)] internal static extern int socket(int domain, int type, int protocol);
        [DllImport("libc", SetLastError = true)] internal static extern int bind(int fd, byte[] address, int length);
        [DllImport("libc", SetLastError = true)] internal static extern int close(int fd);
        [DllImport("libc")] internal static extern uint geteuid();

        /// <summary>Binds a Unix stream socket at <paramref name="path"/>; returns its descriptor.</summary>
        internal static int BindUnixSocket(string path)
        {
            int fd = socket(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0);
            Assert.IsTrue(fd >= 0, "socket() failed: errno " + Marshal.GetLastWin32Error());
            var address = new byte[110]; // struct sockaddr_un: sa_family_t + 108 bytes of path
            address[0] = 1;
            byte[] name = System.Text.Encoding.UTF8.GetBytes(path);
            Assert.IsTrue(name.Length < 108, "socket path too long: " + path);
            Array.Copy(name, 0, address, 2, name.Length);
            Assert.AreEqual(0, bind(fd, address, 2 + name.Length + 1), "bind(" + path + ") failed: errno " + Marshal.GetLastWin32Error());
            return fd;
        }

        /// <summary>The permission bits (and sticky bit) of <paramref name="path"/>.</summary>
        internal static int ModeOf(LinuxApi api, string path)
        {
            StatInfo? st = api.StatPath(path);
            Assert.IsTrue(st != null, path + " exists");
            return st.Value.Mode & 0xFFF;
        }
    }
}
