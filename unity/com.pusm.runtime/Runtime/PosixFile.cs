using System;
using System.Runtime.InteropServices;

namespace PythonUnitySharedMemory
{
    /// <summary>Linux backend: a real file descriptor we own, used for checks, mapping and locks.</summary>
    internal sealed unsafe class PosixFile : OsFile
    {
        private int _fd;

        private PosixFile(string path, int fd) : base(path)
        {
            _fd = fd;
        }

        internal int Fd { get { return _fd; } }

        internal static OsFile CreateNewFile(LinuxApi api, string prefix, string path)
        {
            // O_EXCL + O_NOFOLLOW: never follows a planted symlink; mode 0600 from the first instant.
            int fd = api.Open(path, LinuxApi.O_RDWR | LinuxApi.O_CREAT | LinuxApi.O_EXCL | api.O_NOFOLLOW, SharedFiles.FileMode0600);
            if (fd < 0)
            {
                int errno = -fd;
                if (errno == LinuxApi.EEXIST)
                {
                    if (SharedFiles.IsSymlink(path))
                        throw new UnsafeFileException(prefix, path, "a symbolic link is planted at this name");
                    return null;
                }
                if (errno == LinuxApi.ELOOP)
                    throw new UnsafeFileException(prefix, path, "a symbolic link is planted at this name");
                throw LinuxApi.Error("open", path, errno);
            }
            // The umask may have removed our own write bit; make it exactly 0600.
            LinuxLibc.fchmod(fd, SharedFiles.FileMode0600);
            return new PosixFile(path, fd);
        }

        internal static OsFile OpenFile(LinuxApi api, string prefix, string path)
        {
            // O_NONBLOCK: opening a FIFO must not block (regular files ignore the flag).
            int fd = api.Open(path, LinuxApi.O_RDWR | api.O_NOFOLLOW | LinuxApi.O_NONBLOCK, 0);
            if (fd < 0)
            {
                int errno = -fd;
                if (errno == LinuxApi.ENOENT) return null;
                if (errno == LinuxApi.ELOOP)
                    throw new UnsafeFileException(prefix, path, "it is a symbolic link");
                // EISDIR, ENXIO (a socket), EACCES (another user's file), ...: say what is there.
                StatInfo? there = api.StatPath(path);
                if (there == null) return null;
                SafetyChecks.CheckFile(prefix, path, there.Value, api.Euid);
                if (errno == LinuxApi.EACCES)
                    throw new UnsafeFileException(prefix, path, "permission denied");
                throw LinuxApi.Error("open", path, errno);
            }
            try
            {
                SafetyChecks.CheckFile(prefix, path, api.Stat(fd), api.Euid);
            }
            catch
            {
                LinuxLibc.close(fd);
                throw;
            }
            return new PosixFile(path, fd);
        }

        /// <summary>fstat of the open file: what this descriptor (and its locks) refer to.</summary>
        internal StatInfo Status(LinuxApi api)
        {
            return api.Stat(_fd);
        }

        internal override long Length
        {
            get
            {
                long length = LinuxLibc.lseek(_fd, 0, LinuxApi.SEEK_END);
                if (length < 0) throw LinuxApi.Error("lseek", Path, Marshal.GetLastWin32Error());
                return length;
            }
        }

        internal override int ReadFromStart(byte[] buffer)
        {
            int done = 0;
            fixed (byte* p = buffer)
            {
                while (done < buffer.Length)
                {
                    long n = (long)LinuxLibc.pread(_fd, p + done, (UIntPtr)(uint)(buffer.Length - done), done);
                    if (n < 0)
                    {
                        int errno = Marshal.GetLastWin32Error();
                        if (errno == LinuxApi.EINTR) continue;
                        throw LinuxApi.Error("pread", Path, errno);
                    }
                    if (n == 0) break;
                    done += (int)n;
                }
            }
            return done;
        }

        internal override void WriteAtStart(byte[] buffer)
        {
            int done = 0;
            fixed (byte* p = buffer)
            {
                while (done < buffer.Length)
                {
                    long n = (long)LinuxLibc.pwrite(_fd, p + done, (UIntPtr)(uint)(buffer.Length - done), done);
                    if (n < 0)
                    {
                        int errno = Marshal.GetLastWin32Error();
                        if (errno == LinuxApi.EINTR) continue;
                        throw LinuxApi.Error("pwrite", Path, errno);
                    }
                    done += (int)n;
                }
            }
        }

        internal override void SetLength(long length)
        {
            while (LinuxLibc.ftruncate(_fd, length) != 0)
            {
                int errno = Marshal.GetLastWin32Error();
                if (errno != LinuxApi.EINTR) throw LinuxApi.Error("ftruncate", Path, errno);
            }
        }

        internal override MappedFile Map(int length)
        {
            IntPtr p = LinuxLibc.mmap(IntPtr.Zero, (UIntPtr)(uint)length, LinuxApi.PROT_READ | LinuxApi.PROT_WRITE, LinuxApi.MAP_SHARED, _fd, 0);
            if (p == new IntPtr(-1)) throw LinuxApi.Error("mmap", Path, Marshal.GetLastWin32Error());
            return new PosixMappedFile(this, (byte*)p, length);
        }

        internal override LockState TryLockByte(int offset)
        {
            return OfdLock.TryLock(_fd, offset);
        }

        internal override LockState ProbeByte(int offset)
        {
            return OfdLock.Probe(_fd, offset);
        }

        public override void Dispose()
        {
            int fd = _fd;
            _fd = -1;
            if (fd >= 0)
            {
                try { LinuxLibc.close(fd); }
                catch (Exception) { }
            }
        }
    }
}
