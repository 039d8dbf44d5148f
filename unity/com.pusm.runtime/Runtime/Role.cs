using System;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// The two sides of a conversation (PROTOCOL.md section 2). The names come from the
    /// original packages: the Python package always played <see cref="Python"/> (flag at
    /// hook offset 12) and the C# package always played <see cref="Unity"/> (offset 13).
    /// </summary>
    public enum Role
    {
        /// <summary>Flag at hook offset 12 ("python active").</summary>
        Python = 0,
        /// <summary>Flag at hook offset 13 ("unity active"). The original C# package's role.</summary>
        Unity = 1,
    }

    /// <summary>How a blocked side waits for its turn.</summary>
    public enum WaitStrategy
    {
        /// <summary>Spin for about 50 µs, then yield, then sleep with a backoff up to 1 ms.
        /// Low latency for quick turns, almost no CPU for long ones.</summary>
        Adaptive = 0,
        /// <summary>Spin without ever sleeping: lowest latency, one full CPU core while waiting
        /// (the original package's behaviour).</summary>
        Spin = 1,
    }

    internal static class Roles
    {
        internal static int FlagOffset(Role role)
        {
            switch (role)
            {
                case Role.Python: return HookLayout.PythonFlagOffset;
                case Role.Unity: return HookLayout.UnityFlagOffset;
                default: throw new ArgumentOutOfRangeException("role", role, "Role must be Role.Python or Role.Unity");
            }
        }

        internal static Role Peer(Role role)
        {
            return role == Role.Python ? Role.Unity : Role.Python;
        }
    }
}
