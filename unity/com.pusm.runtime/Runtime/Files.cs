using System;
using System.IO;

namespace PythonUnitySharedMemory
{
    /// <summary>Names and places of the files of a shared memory (PROTOCOL.md section 1).</summary>
    internal static class SharedFiles
    {
        internal const string DirectoryName = "python_unity_shared_memory";
        internal const int FileMode0600 = 0x180;
        internal const int DirMode0700 = 0x1C0;

        /// <summary>&lt;temp&gt;/python_unity_shared_memory (TMPDIR when set, like Python's tempfile.gettempdir()).</summary>
        internal static string DirectoryPath
        {
            get { return Path.Combine(Path.GetTempPath(), DirectoryName); }
        }

        private static readonly System.Text.UTF8Encoding s_strictUtf8 = new System.Text.UTF8Encoding(false, true);

        internal static void ValidatePrefix(string prefix)
        {
            if (prefix == null) throw new InvalidPrefixException(null, "it must not be null");
            if (prefix.Length == 0) throw new InvalidPrefixException(prefix, "it must not be empty");
            if (prefix[prefix.Length - 1] == '_') throw new InvalidPrefixException(prefix, "it must not end with '_' (data files are named prefix_, prefix__, ...)");
            if (prefix.IndexOf('/') >= 0) throw new InvalidPrefixException(prefix, "it must not contain '/'");
            if (prefix.IndexOf('\\') >= 0) throw new InvalidPrefixException(prefix, "it must not contain '\\'");
            if (prefix.IndexOf('\0') >= 0) throw new InvalidPrefixException(prefix, "it must not contain a NUL character");
            if (prefix.Contains("..")) throw new InvalidPrefixException(prefix, "it must not contain '..'");
            if (prefix[0] == '.') throw new InvalidPrefixException(prefix, "it must not start with '.'");
            int bytes;
            try
            {
                bytes = s_strictUtf8.GetByteCount(prefix);
            }
            catch (System.Text.EncoderFallbackException)
            {
                throw new InvalidPrefixException(prefix, "it cannot be encoded as UTF-8 (a lone surrogate)");
            }
            if (bytes > MaxNameLength - 1)
                throw new InvalidPrefixException(prefix, "it is " + bytes + " UTF-8 bytes long; at most " + (MaxNameLength - 1) +
                    " leave room for the first data file's name (prefix + \"_\", at most " + MaxNameLength + " bytes)");
        }

        /// <summary>The longest file name the file systems pusm runs on accept (NAME_MAX).</summary>
        internal const int MaxNameLength = 255;

        /// <summary>True when data file <paramref name="fileNumber"/> has a name the file system accepts.</summary>
        internal static bool CanNameDataFile(string prefix, int fileNumber)
        {
            return fileNumber >= 1 && (long)System.Text.Encoding.UTF8.GetByteCount(prefix) + fileNumber <= MaxNameLength;
        }

        /// <summary>prefix followed by <paramref name="fileNumber"/> underscores.</summary>
        internal static string DataFileName(string prefix, int fileNumber)
        {
            return prefix + new string('_', fileNumber);
        }

        /// <summary>True for <c>prefix</c> itself and <c>prefix</c> followed by one or more underscores.</summary>
        internal static bool IsConversationFile(string prefix, string name)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
            for (int i = prefix.Length; i < name.Length; i++)
            {
                if (name[i] != '_') return false;
            }
            return true;
        }

        /// <summary>Creates the directory (mode 0700) if missing and refuses one that is a symlink, owned by
        /// someone else, or world-writable without the sticky bit (never changing its mode).</summary>
        internal static void EnsureDirectory(string prefix, string dir)
        {
            LinuxApi api = Platform.Linux;
            if (api != null)
            {
                int rc = LinuxLibc.mkdir(dir, DirMode0700);
                if (rc != 0)
                {
                    int errno = System.Runtime.InteropServices.Marshal.GetLastWin32Error();
                    if (errno != LinuxApi.EEXIST) throw LinuxApi.Error("mkdir", dir, errno);
                }
                int fd = api.Open(dir, LinuxApi.O_RDONLY | api.O_DIRECTORY | api.O_NOFOLLOW, 0);
                if (fd < 0)
                {
                    if (-fd == LinuxApi.ELOOP || -fd == LinuxApi.ENOTDIR)
                        throw new UnsafeFileException(prefix, dir, "the shared memory directory is a symbolic link or not a directory");
                    throw LinuxApi.Error("open", dir, -fd);
                }
                try
                {
                    SafetyChecks.CheckDirectory(prefix, dir, api.Stat(fd), api.Euid);
                }
                finally
                {
                    LinuxLibc.close(fd);
                }
                return;
            }

            // Portable backend.
            if (IsSymlink(dir))
                throw new UnsafeFileException(prefix, dir, "the shared memory directory is a symbolic link");
            if (!Directory.Exists(dir))
            {
                if (File.Exists(dir)) throw new UnsafeFileException(prefix, dir, "it is a file, not a directory");
                try
                {
                    Directory.CreateDirectory(dir);
                }
                catch (Exception e)
                {
                    if (e is IOException || e is UnauthorizedAccessException)
                        throw new PusmException(prefix, "Cannot create the shared memory directory " + dir + ": " + e.Message, e);
                    throw;
                }
                ChmodQuietly(dir, DirMode0700);
            }
            LinuxApi checks = Platform.Checks; // can this system tell modes and owners? (Linux)
            if (checks != null)
            {
                StatInfo? st = checks.StatPath(dir);
                if (st != null) SafetyChecks.CheckDirectory(prefix, dir, st.Value, checks.Euid);
            }
        }

        /// <summary>True if a symbolic link (or other reparse point) sits at <paramref name="path"/>, dangling or not.</summary>
        internal static bool IsSymlink(string path)
        {
            try
            {
                FileAttributes attributes = File.GetAttributes(path);
                if ((int)attributes == -1) return false;
                return (attributes & FileAttributes.ReparsePoint) != 0;
            }
            catch (Exception)
            {
                return false;
            }
        }

        internal static void ChmodQuietly(string path, int mode)
        {
            if (!Platform.IsUnixLike) return;
            try { UnixLibc.chmod(path, mode); }
            catch (Exception) { }
        }

        /// <summary>Paths of every file of the conversation <paramref name="prefix"/> in <paramref name="dir"/>:
        /// the hook (if <paramref name="includeHook"/>) and every <c>prefix</c> + one or more underscores.</summary>
        internal static string[] ConversationFiles(string dir, string prefix, bool includeHook)
        {
            var result = new System.Collections.Generic.List<string>();
            if (!Directory.Exists(dir)) return result.ToArray();
            foreach (string path in Directory.GetFileSystemEntries(dir))
            {
                string name = Path.GetFileName(path);
                if (!IsConversationFile(prefix, name)) continue;
                if (!includeHook && name.Length == prefix.Length) continue;
                result.Add(path);
            }
            return result.ToArray();
        }

        /// <summary>Deletes a file if present; never throws (a missing file, a file still mapped on Windows, ...).</summary>
        internal static void DeleteQuietly(string path)
        {
            try { File.Delete(path); }
            catch (Exception) { }
        }
    }
}
