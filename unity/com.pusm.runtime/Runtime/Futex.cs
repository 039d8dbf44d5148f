using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// Wake-ups through a Linux futex on the hook's flag word (docs/DECISIONS.md, rule A): the
    /// 4 bytes at offset 12 of the hook's shared mapping (Python flag, Unity flag, closed flag
    /// and the always-zero byte just past the file's end). A shared futex is keyed by the file
    /// page, so it works across processes and runtimes. The wire bytes are unchanged: a giver
    /// still writes the flags and only then wakes; an original package never wakes anyone, so
    /// a waiter only sleeps on the futex when its peer is a pusm runtime (which always wakes).
    /// Native backend only; the portable backend keeps the sleeping backoff.
    /// </summary>
    internal sealed unsafe class FutexWord
    {
        internal const int Offset = 12;

        /// <summary>The bound of one FUTEX_WAIT when the peer is a pusm runtime: liveness and
        /// the user's timeout are still checked this often. Not readonly only so that a test
        /// can lengthen it, making a real wake-up the only way its wait ends in time.</summary>
        internal static int PusmPeerWaitMicros = 50000;

        // 0 = untried, 1 = works, 2 = unavailable (ENOSYS under seccomp, EntryPointNotFound, ...)
        private static int s_state;

        private readonly LinuxApi _api;
        private readonly int* _word;

        private FutexWord(LinuxApi api, int* word)
        {
            _api = api;
            _word = word;
        }

        /// <summary>The futex word of a native hook mapping, or null where futexes are not used.</summary>
        internal static FutexWord For(MappedFile hookMap)
        {
            LinuxApi api = Platform.Linux;
            if (api == null || !(hookMap is PosixMappedFile) || Volatile.Read(ref s_state) == 2) return null;
            return new FutexWord(api, (int*)(hookMap.Pointer + Offset));
        }

        /// <summary>The word's current value, read with acquire semantics.</summary>
        internal int Load()
        {
            return Volatile.Read(ref *_word);
        }

        /// <summary>FUTEX_WAIT while the word still equals <paramref name="expected"/>, for at most
        /// <paramref name="micros"/>. True if a FUTEX_WAKE ended the wait; false on a timeout, a
        /// changed word (EAGAIN), a signal, or when futexes are unavailable (then it sleeps instead).</summary>
        internal bool Wait(int expected, int micros)
        {
            if (Volatile.Read(ref s_state) == 2)
            {
                Sleeper.SleepMicros(Math.Min(micros, 1000));
                return false;
            }
            var ts = new Timespec { Seconds = micros / 1000000, Nanoseconds = (micros % 1000000) * 1000L };
            long rc;
            try
            {
                rc = LinuxLibc.syscall(_api.SysFutex, (IntPtr)_word, LinuxApi.FUTEX_WAIT, expected, (IntPtr)(&ts), IntPtr.Zero, 0);
            }
            catch (Exception)
            {
                Volatile.Write(ref s_state, 2);
                return false;
            }
            if (rc == 0)
            {
                Volatile.Write(ref s_state, 1);
                return true;
            }
            if (Marshal.GetLastWin32Error() == LinuxApi.ENOSYS) Volatile.Write(ref s_state, 2);
            return false; // EAGAIN, EINTR, ETIMEDOUT: the caller re-checks everything
        }

        /// <summary>FUTEX_WAKE every waiter on the word. Never throws.</summary>
        internal void WakeAll()
        {
            if (Volatile.Read(ref s_state) == 2) return;
            try
            {
                long rc = LinuxLibc.syscall(_api.SysFutex, (IntPtr)_word, LinuxApi.FUTEX_WAKE, int.MaxValue, IntPtr.Zero, IntPtr.Zero, 0);
                if (rc < 0 && Marshal.GetLastWin32Error() == LinuxApi.ENOSYS) Volatile.Write(ref s_state, 2);
            }
            catch (Exception)
            {
                Volatile.Write(ref s_state, 2);
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
