using System;
using System.IO;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// An open hook or data file. Two backends: <see cref="PosixFile"/> (Linux: open(2) with
    /// O_NOFOLLOW and mode 0600, fstat owner checks, mmap, OFD locks) and <see cref="ManagedFile"/>
    /// (everywhere else: FileStream + MemoryMappedFile, no locks).
    /// </summary>
    internal abstract class OsFile : IDisposable
    {
        internal readonly string Path;

        protected OsFile(string path)
        {
            Path = path;
        }

        internal abstract long Length { get; }

        /// <summary>Reads from offset 0 into <paramref name="buffer"/>; returns the number of bytes read.</summary>
        internal abstract int ReadFromStart(byte[] buffer);

        /// <summary>Writes <paramref name="buffer"/> at offset 0.</summary>
        internal abstract void WriteAtStart(byte[] buffer);

        internal abstract void SetLength(long length);

        /// <summary>Maps the first <paramref name="length"/> bytes read-write and shared. The mapping takes ownership of this file.</summary>
        internal abstract MappedFile Map(int length);

        internal abstract LockState TryLockByte(int offset);

        internal abstract LockState ProbeByte(int offset);

        public abstract void Dispose();

        /// <summary>Creates <paramref name="path"/> exclusively, readable and writable by this user only.
        /// Returns null if something already exists there (other than a symlink, which is refused).</summary>
        internal static OsFile CreateExclusive(string prefix, string path)
        {
            LinuxApi api = Platform.Linux;
            if (api != null) return PosixFile.CreateNewFile(api, prefix, path);
            return ManagedFile.CreateNewFile(prefix, path);
        }

        /// <summary>Opens an existing regular file owned by this user, never through a symlink.
        /// Returns null if nothing is there.</summary>
        internal static OsFile OpenExisting(string prefix, string path)
        {
            LinuxApi api = Platform.Linux;
            if (api != null) return PosixFile.OpenFile(api, prefix, path);
            return ManagedFile.OpenFile(prefix, path);
        }
    }
}
