using System;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// Portable backend (Windows, macOS, anything but glibc Linux on x86_64/aarch64):
    /// FileStream + MemoryMappedFile. Symlinks are refused by checking for a reparse point
    /// before opening; file type, hard links and owner are checked where the system can tell
    /// (Linux: stat); no liveness locks and no futex wake-ups (docs/RELIABILITY.md lists the limits).
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
            if (File.Exists(path) || Directory.Exists(path)) return null;
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception e)
            {
                if (!(e is IOException || e is UnauthorizedAccessException || e is NotSupportedException)) throw;
                if (SharedFiles.IsSymlink(path))
                    throw new UnsafeFileException(prefix, path, "a symbolic link is planted at this name");
                if (File.Exists(path) || Directory.Exists(path)) return null;
                LinuxApi checks = Platform.Checks;
                if (checks != null && checks.StatPath(path) != null) return null; // a FIFO, a socket, ...
                throw new PusmException(prefix, "Cannot create " + path + ": " + e.Message, e);
            }
            SharedFiles.ChmodQuietly(path, SharedFiles.FileMode0600);
            return new ManagedFile(path, stream);
        }

        internal static OsFile OpenFile(string prefix, string path)
        {
            LinuxApi checks = Platform.Checks; // file type, links and owner, where this system can tell (Linux)
            StatInfo? before = null;
            if (checks != null)
            {
                before = checks.StatPath(path);
                if (before == null) return null;
                if (before.Value.Type == LinuxApi.S_IFLNK)
                    throw new UnsafeFileException(prefix, path, "it is a symbolic link");
                SafetyChecks.CheckFile(prefix, path, before.Value, checks.Euid);
            }
            else
            {
                if (SharedFiles.IsSymlink(path))
                    throw new UnsafeFileException(prefix, path, "it is a symbolic link");
                if (Directory.Exists(path))
                    throw new UnsafeFileException(prefix, path, "it is a directory, not a regular file");
                if (!File.Exists(path)) return null;
            }
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }
            catch (UnauthorizedAccessException e)
            {
                throw new UnsafeFileException(prefix, path, "permission denied (owned by another user?): " + e.Message);
            }
            catch (NotSupportedException e)
            {
                // Mono refuses FIFOs and devices this way.
                throw new UnsafeFileException(prefix, path, "not a regular file (" + e.Message + ")");
            }
            catch (IOException e)
            {
                throw new UnsafeFileException(prefix, path, "cannot be opened as a regular file: " + e.Message);
            }
            if (before != null)
            {
                // Opened by name: make sure it is still the file that was checked.
                StatInfo? after = checks.StatPath(path);
                if (after == null || after.Value.Dev != before.Value.Dev || after.Value.Ino != before.Value.Ino)
                {
                    stream.Dispose();
                    throw new UnsafeFileException(prefix, path, "it was replaced while being opened");
                }
            }
            return new ManagedFile(path, stream);
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
            try
            {
                _stream.SetLength(length);
                _stream.Flush();
            }
            catch (IOException e)
            {
                throw new PusmException("Cannot size " + Path + " to " + length + " bytes: " + e.Message, e);
            }
        }

        internal override MappedFile Map(int length)
        {
            // Capacity 0 maps the whole file: a hook longer than 15 bytes or a data file longer than
            // the capacity is accepted (as the other runtimes do); the view covers what is used.
            if (_stream.Length < length)
                throw new PusmException("The file " + Path + " is " + _stream.Length + " bytes long, shorter than the " + length + " bytes to map");
            MemoryMappedFile mmf;
            try
            {
                mmf = MemoryMappedFile.CreateFromFile(_stream, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, true);
            }
            catch (Exception e)
            {
                if (!(e is IOException || e is UnauthorizedAccessException || e is ArgumentException)) throw;
                throw new PusmException("Cannot map " + Path + ": " + e.Message, e);
            }
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
