using System;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// Base class of every error raised by this package about a shared memory. Catching
    /// <see cref="PusmException"/> (or <see cref="Exception"/>, as users of the original
    /// package did) catches them all. Calls on a closed instance throw the standard
    /// <see cref="ObjectDisposedException"/>, and null arguments the standard
    /// <see cref="ArgumentNullException"/>.
    /// </summary>
    public class PusmException : Exception
    {
        /// <summary>The prefix of the shared memory involved, when known.</summary>
        public string Prefix { get; private set; }

        public PusmException(string message) : base(message) { }
        public PusmException(string message, Exception inner) : base(message, inner) { }
        public PusmException(string prefix, string message, Exception inner) : base(message, inner)
        {
            Prefix = prefix;
        }
    }

    /// <summary>The prefix is not a valid, portable file name (replaces the original's ArgumentException).</summary>
    public class InvalidPrefixException : PusmException
    {
        /// <summary>Name of the offending parameter, always "prefix" (as ArgumentException.ParamName).</summary>
        public string ParamName { get { return "prefix"; } }

        public InvalidPrefixException(string prefix, string reason)
            : base(prefix, "Invalid shared memory prefix " + Describe(prefix) + ": " + reason +
                   " (parameter 'prefix')", null) { }

        internal static string Describe(string prefix)
        {
            if (prefix == null) return "null";
            return "\"" + prefix.Replace("\0", "\\0") + "\"";
        }
    }

    /// <summary>createNew was true but the hook or data file already exists (replaces the original's IOException).</summary>
    public class AlreadyExistsException : PusmException
    {
        /// <summary>The file that already exists.</summary>
        public string Path { get; private set; }

        public AlreadyExistsException(string prefix, string path, string detail)
            : base(prefix, "Shared memory \"" + prefix + "\" already exists: " + path + " " + detail, null)
        {
            Path = path;
        }
    }

    /// <summary>A joiner found no hook file within the timeout.</summary>
    public class NotFoundException : PusmException
    {
        /// <summary>The directory that was searched.</summary>
        public string Directory { get; private set; }

        public NotFoundException(string prefix, string directory, string detail)
            : base(prefix, "Shared memory \"" + prefix + "\" not found in " + directory + ": " + detail, null)
        {
            Directory = directory;
        }
    }

    /// <summary>The hook file carries a protocol version other than the one this package speaks.</summary>
    public class VersionMismatchException : PusmException
    {
        /// <summary>The version found in the hook file.</summary>
        public int Found { get; private set; }
        /// <summary>The version this package speaks (1).</summary>
        public int Expected { get; private set; }

        public VersionMismatchException(string prefix, int found, int expected)
            : base(prefix, "Shared memory \"" + prefix + "\" uses protocol version " + found +
                   ", but this package speaks version " + expected, null)
        {
            Found = found;
            Expected = expected;
        }
    }

    /// <summary>The hook file (or the data file it names) is malformed: too short, bad file number or capacity.</summary>
    public class CorruptHookException : PusmException
    {
        /// <summary>The file involved.</summary>
        public string Path { get; private set; }

        public CorruptHookException(string prefix, string path, string detail)
            : base(prefix, "Shared memory \"" + prefix + "\" is corrupt (" + path + "): " + detail, null)
        {
            Path = path;
        }
    }

    /// <summary>A read or write would cross the end of the data file, or used a negative offset or length.</summary>
    public class OutOfBoundsException : PusmException
    {
        /// <summary>The offset of the access.</summary>
        public long Offset { get; private set; }
        /// <summary>The number of bytes of the access.</summary>
        public long Length { get; private set; }
        /// <summary>The capacity of the data file.</summary>
        public int Capacity { get; private set; }

        public OutOfBoundsException(string prefix, long offset, long length, int capacity)
            : base(prefix, "Access of " + length + " byte(s) at offset " + offset + " is out of bounds of shared memory \"" +
                   prefix + "\" (capacity " + capacity + " bytes)", null)
        {
            Offset = offset;
            Length = length;
            Capacity = capacity;
        }
    }

    /// <summary>A string length read from memory is negative or runs past the end of the data file.</summary>
    public class InvalidLengthException : PusmException
    {
        /// <summary>Offset of the length prefix.</summary>
        public int Offset { get; private set; }
        /// <summary>The length read from memory.</summary>
        public int Length { get; private set; }
        /// <summary>The capacity of the data file.</summary>
        public int Capacity { get; private set; }

        public InvalidLengthException(string prefix, int offset, int length, int capacity)
            : base(prefix, "Invalid string length " + length + " read at offset " + offset + " of shared memory \"" +
                   prefix + "\" (capacity " + capacity + " bytes)", null)
        {
            Offset = offset;
            Length = length;
            Capacity = capacity;
        }
    }

    /// <summary>The bytes of a string are not valid UTF-8 (reading), or the string cannot be encoded (writing a lone surrogate).</summary>
    public class InvalidUtf8Exception : PusmException
    {
        /// <summary>Offset of the string (of its length prefix).</summary>
        public int Offset { get; private set; }

        public InvalidUtf8Exception(string prefix, int offset, string detail, Exception inner)
            : base(prefix, "Invalid UTF-8 string at offset " + offset + " of shared memory \"" + prefix + "\": " + detail, inner)
        {
            Offset = offset;
        }
    }

    /// <summary>The peer did not give control back within the timeout (replaces the original's TimeoutException).
    /// The files have been deleted and this instance is closed.</summary>
    public class PusmTimeoutException : PusmException
    {
        /// <summary>The timeout, in seconds.</summary>
        public float TimeoutSeconds { get; private set; }

        public PusmTimeoutException(string prefix, float timeoutSeconds)
            : base(prefix, "Timed out after " + timeoutSeconds + " s waiting for the peer of shared memory \"" + prefix +
                   "\" to give control; the files were deleted", null)
        {
            TimeoutSeconds = timeoutSeconds;
        }
    }

    /// <summary>The peer closed the conversation (set the closed flag). The files have been deleted and this instance is closed.</summary>
    public class PeerClosedException : PusmException
    {
        public PeerClosedException(string prefix)
            : base(prefix, "The peer closed shared memory \"" + prefix + "\"; the files were deleted", null) { }
    }

    /// <summary>The peer process died (its liveness lock vanished without the closed flag being set).
    /// The files have been deleted and this instance is closed. Linux only.</summary>
    public class PeerDiedException : PusmException
    {
        /// <summary>The role of the peer that died.</summary>
        public Role PeerRole { get; private set; }

        public PeerDiedException(string prefix, Role peerRole)
            : base(prefix, "The " + peerRole + " side of shared memory \"" + prefix +
                   "\" died without closing; the files were deleted", null)
        {
            PeerRole = peerRole;
        }
    }

    /// <summary>Another live process already plays this role on this shared memory. Linux only.</summary>
    public class RoleTakenException : PusmException
    {
        /// <summary>The role that is taken.</summary>
        public Role Role { get; private set; }

        public RoleTakenException(string prefix, Role role)
            : base(prefix, "The " + role + " role of shared memory \"" + prefix + "\" is already held by a live process", null)
        {
            Role = role;
        }
    }

    /// <summary>Resize was asked for a capacity that is not strictly greater than the current one.</summary>
    public class InvalidResizeException : PusmException
    {
        /// <summary>The capacity before the call.</summary>
        public int Current { get; private set; }
        /// <summary>The capacity asked for.</summary>
        public int Requested { get; private set; }

        public InvalidResizeException(string prefix, int current, int requested)
            : base(prefix, "Cannot resize shared memory \"" + prefix + "\" from " + current + " to " + requested +
                   " bytes: the new capacity must be strictly greater", null)
        {
            Current = current;
            Requested = requested;
        }

        /// <summary>A resize refused for <paramref name="reason"/>, before anything changed.</summary>
        public InvalidResizeException(string prefix, int current, int requested, string reason)
            : base(prefix, "Cannot resize shared memory \"" + prefix + "\" from " + current + " to " + requested +
                   " bytes: " + reason, null)
        {
            Current = current;
            Requested = requested;
        }
    }

    /// <summary>A capacity given at creation is not positive.</summary>
    public class InvalidCapacityException : PusmException
    {
        /// <summary>The capacity given.</summary>
        public int Capacity { get; private set; }

        public InvalidCapacityException(string prefix, int capacity)
            : base(prefix, "Invalid capacity " + capacity + " for shared memory \"" + prefix + "\": it must be at least 1 byte", null)
        {
            Capacity = capacity;
        }
    }

    /// <summary>A file or the directory is a symbolic link, not a regular file, or owned by another user.</summary>
    public class UnsafeFileException : PusmException
    {
        /// <summary>The path refused.</summary>
        public string Path { get; private set; }

        public UnsafeFileException(string prefix, string path, string reason)
            : base(prefix, "Refusing to use " + path + " for shared memory \"" + prefix + "\": " + reason, null)
        {
            Path = path;
        }
    }
}
