using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PythonUnitySharedMemory
{
    internal enum LockState
    {
        /// <summary>No OFD locks here (not Linux, old kernel, file system without locks).</summary>
        Unsupported,
        Unlocked,
        Locked,
    }

    /// <summary>
    /// Linux open-file-description locks on one byte of the hook file, shared with the Rust and
    /// Python runtimes: while open, each side holds a write lock on the byte at its own role's
    /// flag offset (12 Python, 13 Unity). The kernel drops it when the process dies, which is how
    /// a peer's death is told apart from a slow peer.
    /// </summary>
    internal static class OfdLock
    {
        /// <summary>F_OFD_SETLK, F_WRLCK on [offset, offset+1). Locked = we now hold it; Unlocked = someone else holds it.</summary>
        internal static LockState TryLock(int fd, int offset)
        {
            var flock = new Flock { l_type = LinuxApi.F_WRLCK, l_whence = LinuxApi.SEEK_SET, l_start = offset, l_len = 1, l_pid = 0 };
            while (true)
            {
                if (LinuxLibc.fcntl(fd, LinuxApi.F_OFD_SETLK, ref flock) == 0) return LockState.Locked;
                int errno = Marshal.GetLastWin32Error();
                if (errno == LinuxApi.EINTR) continue;
                if (errno == LinuxApi.EAGAIN || errno == LinuxApi.EACCES) return LockState.Unlocked;
                return LockState.Unsupported; // EINVAL (kernel < 3.15), ENOLCK, ...
            }
        }

        /// <summary>F_OFD_GETLK, F_WRLCK on [offset, offset+1): is it held through another open file description?</summary>
        internal static LockState Probe(int fd, int offset)
        {
            var flock = new Flock { l_type = LinuxApi.F_WRLCK, l_whence = LinuxApi.SEEK_SET, l_start = offset, l_len = 1, l_pid = 0 };
            while (true)
            {
                if (LinuxLibc.fcntl(fd, LinuxApi.F_OFD_GETLK, ref flock) == 0)
                    return flock.l_type == LinuxApi.F_UNLCK ? LockState.Unlocked : LockState.Locked;
                int errno = Marshal.GetLastWin32Error();
                if (errno == LinuxApi.EINTR) continue;
                return LockState.Unsupported;
            }
        }
    }

    /// <summary>
    /// Watches the peer's lock. A peer is declared dead only if it was once seen holding its
    /// lock and later is not (the original packages never lock: they are never declared dead).
    /// </summary>
    internal sealed class PeerLiveness
    {
        private const long ProbeIntervalMicros = 10000;

        private readonly OsFile _hook;
        private readonly int _peerOffset;
        private bool _seenLocked;
        private bool _unsupported;
        private long _lastProbe;

        internal PeerLiveness(OsFile hook, Role peer)
        {
            _hook = hook;
            _peerOffset = Roles.FlagOffset(peer);
            _lastProbe = Stopwatch.GetTimestamp();
        }

        internal bool SeenLocked { get { return _seenLocked; } }

        /// <summary>Probes now. Returns false if the peer was seen alive before and its lock is gone.</summary>
        internal bool ProbeNow()
        {
            _lastProbe = Stopwatch.GetTimestamp();
            if (_unsupported) return true;
            LockState state = _hook.ProbeByte(_peerOffset);
            if (state == LockState.Unsupported)
            {
                _unsupported = true;
                return true;
            }
            if (state == LockState.Locked)
            {
                _seenLocked = true;
                return true;
            }
            return !_seenLocked;
        }

        /// <summary>Probes if about 10 ms passed since the last probe; same result as <see cref="ProbeNow"/>.</summary>
        internal bool ProbeIfDue()
        {
            if (_unsupported) return true;
            if (Clock.MicrosSince(_lastProbe) < ProbeIntervalMicros) return true;
            return ProbeNow();
        }
    }
}
