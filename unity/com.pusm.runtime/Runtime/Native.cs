using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace PythonUnitySharedMemory
{
    /// <summary>struct flock as laid out on Linux x86_64 and aarch64 (32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Flock
    {
        public short l_type;    // @0
        public short l_whence;  // @2
        public long l_start;    // @8
        public long l_len;      // @16
        public int l_pid;       // @24, must be 0 for OFD locks
        public int l_pad;       // @28
    }

    /// <summary>glibc entry points. Only used after <see cref="Platform"/> checked we are on glibc Linux.</summary>
    internal static unsafe class LinuxLibc
    {
        private const string Lib = "libc.so.6";

        [DllImport(Lib, SetLastError = true)] internal static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags, int mode);
        [DllImport(Lib, SetLastError = true)] internal static extern int close(int fd);
        [DllImport(Lib, SetLastError = true)] internal static extern int fstat(int fd, byte* buf);
        [DllImport(Lib, SetLastError = true)] internal static extern int __fxstat(int ver, int fd, byte* buf);
        [DllImport(Lib, SetLastError = true)] internal static extern int fchmod(int fd, int mode);
        [DllImport(Lib, SetLastError = true)] internal static extern int mkdir([MarshalAs(UnmanagedType.LPStr)] string path, int mode);
        [DllImport(Lib, SetLastError = true)] internal static extern int fcntl(int fd, int cmd, ref Flock flock);
        [DllImport(Lib, SetLastError = true)] internal static extern int ftruncate(int fd, long length);
        [DllImport(Lib, SetLastError = true)] internal static extern long lseek(int fd, long offset, int whence);
        [DllImport(Lib, SetLastError = true)] internal static extern IntPtr pread(int fd, byte* buf, UIntPtr count, long offset);
        [DllImport(Lib, SetLastError = true)] internal static extern IntPtr pwrite(int fd, byte* buf, UIntPtr count, long offset);
        [DllImport(Lib, SetLastError = true)] internal static extern IntPtr mmap(IntPtr addr, UIntPtr length, int prot, int flags, int fd, long offset);
        [DllImport(Lib, SetLastError = true)] internal static extern int munmap(IntPtr addr, UIntPtr length);
        [DllImport(Lib)] internal static extern uint geteuid();
        [DllImport(Lib)] internal static extern int uname(byte* buf);
        [DllImport(Lib)] internal static extern int usleep(uint usec);
        [DllImport(Lib)] internal static extern IntPtr strerror(int errnum);
        // long syscall(long number, ...): every argument passed as a full register.
        [DllImport(Lib, SetLastError = true)] internal static extern long syscall(long number, IntPtr a1, long a2, long a3, IntPtr a4, IntPtr a5, long a6);
    }

    /// <summary>What fstat(2) says about a file (the fields pusm's safety checks use).</summary>
    internal struct StatInfo
    {
        internal int Mode;
        internal uint Uid;
        internal long Nlink;
        internal ulong Dev;
        internal ulong Ino;

        internal int Type { get { return Mode & LinuxApi.S_IFMT; } }

        /// <summary>"a directory", "a FIFO", ... for error messages.</summary>
        internal string TypeName
        {
            get
            {
                switch (Type)
                {
                    case LinuxApi.S_IFREG: return "a regular file";
                    case LinuxApi.S_IFDIR: return "a directory";
                    case LinuxApi.S_IFIFO: return "a FIFO (named pipe)";
                    case LinuxApi.S_IFSOCK: return "a socket";
                    case LinuxApi.S_IFCHR: return "a character device";
                    case LinuxApi.S_IFBLK: return "a block device";
                    case LinuxApi.S_IFLNK: return "a symbolic link";
                    default: return "a file of unknown type " + Type;
                }
            }
        }
    }

    /// <summary>Portable Unix entry points (Linux, macOS) resolved through Mono's "libc" mapping.</summary>
    internal static class UnixLibc
    {
        [DllImport("libc", SetLastError = true)] internal static extern int chmod([MarshalAs(UnmanagedType.LPStr)] string path, int mode);
        [DllImport("libc")] internal static extern int usleep(uint usec);
    }

    /// <summary>Which backend to use, decided once per process.</summary>
    internal static class Platform
    {
        /// <summary>Linux system calls for safety checks (stat), even when <see cref="ForceManaged"/>
        /// selects the portable file backend; null off glibc Linux x86_64/aarch64.</summary>
        internal static LinuxApi Checks
        {
            get
            {
                lock (s_gate)
                {
                    if (!s_probed)
                    {
                        s_probed = true;
                        s_linux = LinuxApi.TryCreate();
                    }
                    return s_linux;
                }
            }
        }

        /// <summary>Tests set this to run the portable (MemoryMappedFile) backend on Linux.</summary>
        internal static bool ForceManaged { get; set; }

        private static readonly object s_gate = new object();
        private static bool s_probed;
        private static LinuxApi s_linux;

        /// <summary>The Linux backend, or null where it is not available (Windows, macOS, musl, other CPUs).</summary>
        internal static LinuxApi Linux
        {
            get
            {
                if (ForceManaged) return null;
                lock (s_gate)
                {
                    if (!s_probed)
                    {
                        s_probed = true;
                        s_linux = LinuxApi.TryCreate();
                    }
                    return s_linux;
                }
            }
        }

        internal static bool IsUnixLike
        {
            get
            {
                PlatformID p = Environment.OSVersion.Platform;
                return p == PlatformID.Unix || p == PlatformID.MacOSX;
            }
        }
    }

    /// <summary>Linux constants and helpers (x86_64 and aarch64, glibc).</summary>
    internal sealed unsafe class LinuxApi
    {
        internal const int O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_CLOEXEC = 0x80000;
        internal const int EINTR = 4, ENOENT = 2, EACCES = 13, EEXIST = 17, EAGAIN = 11, EINVAL = 22, ELOOP = 40, ENOTDIR = 20;
        internal const int F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_WRLCK = 1, F_UNLCK = 2, SEEK_SET = 0, SEEK_END = 2;
        internal const int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
        internal const int S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFIFO = 0x1000, S_IFSOCK = 0xC000;
        internal const int S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFLNK = 0xA000, S_ISVTX = 0x200, S_IWOTH = 0x2;
        internal const int O_PATH = 0x200000, O_NONBLOCK = 0x800;
        internal const int FUTEX_WAIT = 0, FUTEX_WAKE = 1, ETIMEDOUT = 110, ENOSYS = 38;

        internal readonly int O_NOFOLLOW;
        internal readonly int O_DIRECTORY;
        private readonly int _statModeOffset;
        private readonly int _statUidOffset;
        private readonly int _statNlinkOffset;
        private readonly bool _statNlinkIsLong;
        internal readonly long SysFutex;
        private readonly int _fxstatVersion;
        private bool _useFxstat;
        internal readonly uint Euid;

        private LinuxApi(bool arm64)
        {
            if (arm64)
            {
                O_NOFOLLOW = 0x8000; O_DIRECTORY = 0x4000;
                _statModeOffset = 16; _statUidOffset = 24; _fxstatVersion = 0;
                _statNlinkOffset = 20; _statNlinkIsLong = false; SysFutex = 98;
            }
            else
            {
                O_NOFOLLOW = 0x20000; O_DIRECTORY = 0x10000;
                _statModeOffset = 24; _statUidOffset = 28; _fxstatVersion = 1;
                _statNlinkOffset = 16; _statNlinkIsLong = true; SysFutex = 202;
            }
            Euid = LinuxLibc.geteuid();
        }

        internal static LinuxApi TryCreate()
        {
            try
            {
                if (!Platform.IsUnixLike) return null;
                if (!BitConverter.IsLittleEndian) return null;
                // struct utsname on Linux: six 65-byte fields; a 2 KiB buffer is safe on any Unix.
                byte* buf = stackalloc byte[2048];
                for (int i = 0; i < 2048; i++) buf[i] = 0;
                if (LinuxLibc.uname(buf) != 0) return null;
                string sysname = Ascii(buf, 65);
                string machine = Ascii(buf + 4 * 65, 65);
                if (sysname != "Linux") return null;
                bool arm64;
                if (machine == "x86_64") arm64 = false;
                else if (machine == "aarch64") arm64 = true;
                else return null;
                var api = new LinuxApi(arm64);
                api.SelfTest();
                return api;
            }
            catch (Exception)
            {
                // DllNotFoundException (no glibc), EntryPointNotFoundException, ...: use the portable backend.
                return null;
            }
        }

        private static string Ascii(byte* p, int max)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < max && p[i] != 0; i++) sb.Append((char)p[i]);
            return sb.ToString();
        }

        /// <summary>Checks fstat (or the pre-2.33 __fxstat) works and yields our uid on a file we own.</summary>
        private void SelfTest()
        {
            int fd = LinuxLibc.open("/proc/self/exe", O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) fd = LinuxLibc.open("/", O_RDONLY | O_CLOEXEC | O_DIRECTORY, 0);
            if (fd < 0) throw new IOException("cannot open a file to probe fstat");
            try
            {
                Stat(fd);
            }
            finally
            {
                LinuxLibc.close(fd);
            }
        }

        internal StatInfo Stat(int fd)
        {
            byte* buf = stackalloc byte[512];
            int rc;
            if (!_useFxstat)
            {
                try
                {
                    rc = LinuxLibc.fstat(fd, buf);
                }
                catch (EntryPointNotFoundException)
                {
                    _useFxstat = true;
                    rc = LinuxLibc.__fxstat(_fxstatVersion, fd, buf);
                }
            }
            else
            {
                rc = LinuxLibc.__fxstat(_fxstatVersion, fd, buf);
            }
            if (rc != 0) throw Error("fstat", null, Marshal.GetLastWin32Error());
            var info = new StatInfo();
            info.Mode = *(int*)(buf + _statModeOffset);
            info.Uid = *(uint*)(buf + _statUidOffset);
            info.Nlink = _statNlinkIsLong ? *(long*)(buf + _statNlinkOffset) : *(uint*)(buf + _statNlinkOffset);
            info.Dev = *(ulong*)buf;          // st_dev at 0 on both
            info.Ino = *(ulong*)(buf + 8);    // st_ino at 8 on both
            return info;
        }

        /// <summary>lstat(2) through open(O_PATH | O_NOFOLLOW) + fstat: never follows a symlink,
        /// never blocks on a FIFO. Null if nothing is at <paramref name="path"/>.</summary>
        internal StatInfo? StatPath(string path)
        {
            int fd = Open(path, O_PATH | O_NOFOLLOW, 0);
            if (fd < 0)
            {
                if (-fd == ENOENT || -fd == ENOTDIR) return null;
                throw Error("open", path, -fd);
            }
            try
            {
                return Stat(fd);
            }
            finally
            {
                LinuxLibc.close(fd);
            }
        }

        internal static string ErrorText(int errno)
        {
            try
            {
                IntPtr p = LinuxLibc.strerror(errno);
                if (p != IntPtr.Zero) return Marshal.PtrToStringAnsi(p) + " (errno " + errno + ")";
            }
            catch (Exception) { }
            return "errno " + errno;
        }

        internal static PusmException Error(string call, string path, int errno)
        {
            return new PusmException(call + (path != null ? "(" + path + ")" : "") + " failed: " + ErrorText(errno));
        }

        /// <summary>open(2), retrying on EINTR. Returns the fd or -errno.</summary>
        internal int Open(string path, int flags, int mode)
        {
            while (true)
            {
                int fd = LinuxLibc.open(path, flags | O_CLOEXEC, mode);
                if (fd >= 0) return fd;
                int errno = Marshal.GetLastWin32Error();
                if (errno == EINTR) continue;
                return -errno;
            }
        }
    }
}
