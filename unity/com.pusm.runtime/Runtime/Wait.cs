using System;
using System.Diagnostics;
using System.Threading;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// One wait for the flag to flip. <see cref="WaitStrategy.Adaptive"/>: spin for about
    /// 50 µs, yield until about 250 µs, then sleep 50 µs doubling to 1 ms (with a native
    /// usleep where available; else yield until 2 ms, then Thread.Sleep(1)).
    /// <see cref="WaitStrategy.Spin"/>: spin only.
    /// </summary>
    internal struct Waiter
    {
        private const long SpinMicros = 50;
        private const long YieldMicros = 250;
        private const long YieldMicrosCoarseSleep = 2000; // where the shortest sleep is a scheduler tick (Windows: ~1-15 ms)
        private const int FirstSleepMicros = 50;
        private const int MaxSleepMicros = 1000;

        private const int SpinsPerYield = 32;

        private readonly WaitStrategy _strategy;
        private readonly long _start;
        private int _sleepMicros;
        private int _spins;

        internal Waiter(WaitStrategy strategy)
        {
            _strategy = strategy;
            _start = Stopwatch.GetTimestamp();
            _sleepMicros = FirstSleepMicros;
            _spins = 0;
        }

        /// <summary>True once the spin and yield phases are over (Adaptive): a futex wait may replace the sleeps.</summary>
        internal bool PastSpinPhase
        {
            get { return _strategy == WaitStrategy.Adaptive && Clock.MicrosSince(_start) >= YieldMicros; }
        }

        internal void Pause()
        {
            if (_strategy == WaitStrategy.Spin)
            {
                Thread.SpinWait(20);
                return;
            }
            long elapsed = Clock.MicrosSince(_start);
            if (elapsed < SpinMicros)
            {
                // A peer on this same CPU cannot answer while we spin: offer it the CPU now and then.
                if (++_spins % SpinsPerYield == 0) Thread.Yield();
                else Thread.SpinWait(20);
            }
            else if (elapsed < (Sleeper.HasFineSleep ? YieldMicros : YieldMicrosCoarseSleep))
            {
                if (!Thread.Yield()) Thread.SpinWait(20);
            }
            else
            {
                Sleeper.SleepMicros(_sleepMicros);
                if (_sleepMicros < MaxSleepMicros) _sleepMicros = Math.Min(_sleepMicros * 2, MaxSleepMicros);
            }
        }
    }

    internal static class Clock
    {
        internal static long MicrosSince(long timestamp)
        {
            long ticks = Stopwatch.GetTimestamp() - timestamp;
            return (long)(ticks * (1000000.0 / Stopwatch.Frequency));
        }

        internal static long MillisSince(long timestamp)
        {
            return MicrosSince(timestamp) / 1000;
        }

        /// <summary>Timeout in seconds to Stopwatch ticks; 0 or less (or NaN/infinity) means none (-1).</summary>
        internal static long TimeoutTicks(float seconds)
        {
            if (!(seconds > 0) || float.IsInfinity(seconds)) return -1;
            double ticks = seconds * (double)Stopwatch.Frequency;
            if (ticks >= long.MaxValue / 2) return -1;
            return (long)ticks;
        }
    }

    /// <summary>Sub-millisecond sleeps through usleep(3) where it can be called, else Thread.Sleep(1).</summary>
    internal static class Sleeper
    {
        // 0 = untried, 1 = glibc usleep, 2 = "libc" usleep, 3 = Thread.Sleep only
        private static int s_mode;

        /// <summary>False where only Thread.Sleep(1) is available (Windows).</summary>
        internal static bool HasFineSleep
        {
            get { return s_mode != 3 && Platform.IsUnixLike; }
        }

        internal static void SleepMicros(int micros)
        {
            int mode = s_mode;
            if (mode == 0)
            {
                mode = Platform.IsUnixLike ? 1 : 3;
                s_mode = mode;
            }
            if (mode == 1)
            {
                try { LinuxLibc.usleep((uint)micros); return; }
                catch (Exception) { s_mode = mode = 2; }
            }
            if (mode == 2)
            {
                try { UnixLibc.usleep((uint)micros); return; }
                catch (Exception) { s_mode = mode = 3; }
            }
            Thread.Sleep(1);
        }

        /// <summary>Sleep used while polling for files (joining, stale checks): 1 ms growing to 10 ms.</summary>
        internal static void PollSleep(ref int millis)
        {
            Thread.Sleep(millis);
            if (millis < 10) millis = Math.Min(10, millis * 2);
        }
    }
}
