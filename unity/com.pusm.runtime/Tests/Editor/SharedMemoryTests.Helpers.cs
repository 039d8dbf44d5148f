using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NUnit.Framework;
using PythonUnitySharedMemory;
using static Pusm.Tests.TestSupport;

namespace Pusm.Tests
{
    /// <summary>The short assertion and set-up helpers <see cref="SharedMemoryTests"/> is written with.</summary>
    public partial class SharedMemoryTests
    {
        private static void Check(bool condition, string message)
        {
            Assert.IsTrue(condition, message);
        }

        private static void Eq<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                Assert.Fail(what + ": expected " + Show(expected) + ", got " + Show(actual));
        }

        private static string Show(object o)
        {
            if (o == null) return "null";
            var bytes = o as byte[];
            if (bytes != null) return "[" + string.Join(" ", bytes.Select(b => b.ToString("x2")).ToArray()) + "]";
            if (o is string) return "\"" + o + "\"";
            return o.ToString();
        }

        private static void BytesEq(byte[] expected, byte[] actual, string what)
        {
            if (!expected.SequenceEqual(actual))
                Assert.Fail(what + ": expected " + Show(expected) + ", got " + Show(actual));
        }

        /// <summary>Runs <paramref name="action"/>, which must throw exactly <typeparamref name="T"/>.</summary>
        private static T Throws<T>(Action action, string what) where T : Exception
        {
            return Assert.Throws<T>(() => action(), what);
        }

        private static SharedMemory Create(string prefix, int capacity = 64, Role role = Role.Unity, float timeout = 20)
        {
            return new SharedMemory(prefix, capacity, true, timeout, role);
        }

        private static SharedMemory Join(string prefix, Role role = Role.Python, float timeout = 20)
        {
            return new SharedMemory(prefix, 0, false, timeout, role);
        }

        private static void EnsureDir()
        {
            Directory.CreateDirectory(Dir);
        }

        private static void WriteFlagByHand(string hookPath, int offset, byte value)
        {
            WriteByteByHand(hookPath, offset, value);
        }

        /// <summary>Runs a Unix command (ln) and returns its output; skips the test where there is none.</summary>
        private static string Run(string file, string arguments)
        {
            if (!Platform.IsUnixLike) Assert.Ignore("needs the Unix command " + file);
            var psi = new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            using (var p = Process.Start(psi))
            {
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                return output.Trim();
            }
        }

        /// <summary>The permission bits of <paramref name="path"/> in octal ("600").</summary>
        private static string ModeOf(string path)
        {
            LinuxApi api = RequireFileStatus();
            return Convert.ToString(Posix.ModeOf(api, path) & 0x1FF, 8);
        }
    }
}
