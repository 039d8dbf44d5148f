using System;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// Portable backend (Windows, macOS, anything but glibc Linux on x86_64/aarch64):
    /// FileStream + MemoryMappedFile. Symlinks are refused by checking for a reparse point
    /// before opening; no owner check and no liveness locks.
    /// </summary>
    internal sealed class ManagedFile : OsFile
    {
        private FileStream _stream;

        private ManagedFile(string path, FileStream stream) : base(path)
        {
            _stream = stream;
        }

        internal static OsFile CreateNewFile(string prefix, string path)
        {
            if (SharedFiles.IsSymlink(path))
                throw new UnsafeFileException(prefix, path, "a symbolic link is planted at this name");
            if (File.Exists(path)) return null;
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (IOException)
            {
                if (SharedFiles.IsSymlink(path))
                    throw new UnsafeFileException(prefix, path, "a symbolic link is planted at this name");
                if (File.Exists(path)) return null;
                throw;
            }
            SharedFiles.ChmodQuietly(path, SharedFiles.FileMode0600);
            return new ManagedFile(path, stream);
        }

        internal static OsFile OpenFile(string prefix, string path)
        {
            if (SharedFiles.IsSymlink(path))
                throw new UnsafeFileException(prefix, path, "it is a symbolic link");
            if (!File.Exists(path)) return null;
            try
            {
                return new ManagedFile(path, new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (UnauthorizedAccessException e)
            {
                throw new UnsafeFileException(prefix, path, "permission denied (owned by another user?): " + e.Message);
            }
        }

        internal override long Length
        {
            get { return _stream.Length; }
        }

        internal override int ReadFromStart(byte[] buffer)
        {
            _stream.Seek(0, SeekOrigin.Begin);
            int done = 0;
            while (done < buffer.Length)
            {
                int n = _stream.Read(buffer, done, buffer.Length - done);
                if (n <= 0) break;
                done += n;
            }
            return done;
        }

        internal override void WriteAtStart(byte[] buffer)
        {
            _stream.Seek(0, SeekOrigin.Begin);
            _stream.Write(buffer, 0, buffer.Length);
            _stream.Flush();
        }

        internal override void SetLength(long length)
        {
            _stream.SetLength(length);
            _stream.Flush();
        }

        internal override MappedFile Map(int length)
        {
            MemoryMappedFile mmf = MemoryMappedFile.CreateFromFile(
                _stream, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, true);
            try
            {
                MemoryMappedViewAccessor view = mmf.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
                return new ManagedMappedFile(this, mmf, view, length);
            }
            catch
            {
                mmf.Dispose();
                throw;
            }
        }

        internal override LockState TryLockByte(int offset)
        {
            return LockState.Unsupported;
        }

        internal override LockState ProbeByte(int offset)
        {
            return LockState.Unsupported;
        }

        public override void Dispose()
        {
            FileStream stream = _stream;
            _stream = null;
            if (stream != null)
            {
                try { stream.Dispose(); }
                catch (Exception) { }
            }
        }
    }
}
