// The generated C# reads and writes exactly the bytes the generated Rust does.
//
// Usage: mono CSharpAgreement.exe SAMPLES_DIR
// SAMPLES_DIR/samples.txt has one "module.Class Namespace.Class 0xFINGERPRINT file"
// line per sample value; each file holds that value as the Rust VecBuffer encoding.
// Prints "N passed, 0 failed"; any failure throws (non-zero exit).

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using PythonUnitySharedMemory;

public static class CSharpAgreement
{
    private static void Assert(bool condition, string message)
    {
        if (!condition) throw new Exception("assertion failed: " + message);
    }

    public static void Main(string[] args)
    {
        var dir = args[0];
        var assembly = typeof(CSharpAgreement).Assembly;
        var sm = new SharedMemory("pusm-codegen-agreement-" + Guid.NewGuid().ToString("N"), 1 << 16, true, 5f);
        int passed = 0;
        try
        {
            foreach (var line in File.ReadAllLines(Path.Combine(dir, "samples.txt")).Where(l => l.Length > 0))
            {
                var parts = line.Split(' ');
                var type = assembly.GetType(parts[1]);
                Assert(type != null, "no class " + parts[1]);
                var expected = File.ReadAllBytes(Path.Combine(dir, parts[3]));
                var fingerprint = (uint)type.GetField("Fingerprint").GetRawConstantValue();
                Assert(fingerprint == Convert.ToUInt32(parts[2], 16), parts[1] + " fingerprint " + fingerprint.ToString("x8"));

                // Read the Rust bytes at offset 8, write what was read at offset 0.
                if (expected.Length > 0) sm.WriteBytes(8, expected);
                object result;
                try
                {
                    result = type.GetMethod("Read").Invoke(null, new object[] { sm, 8 });
                }
                catch (TargetInvocationException error)
                {
                    throw new Exception(parts[1] + ": " + error.InnerException.Message, error.InnerException);
                }
                var fields = result.GetType().GetFields();
                var value = fields[0].GetValue(result);
                Assert((int)fields[1].GetValue(result) == 8 + expected.Length, parts[1] + " read end");
                int end = (int)type.GetMethod("Write").Invoke(value, new object[] { sm, 8 + expected.Length });
                Assert(end == 8 + 2 * expected.Length, parts[1] + " write end");
                var written = sm.ReadBytes(8 + expected.Length, expected.Length).Item1;
                Assert(written.SequenceEqual(expected), parts[1] + " bytes differ: " + BitConverter.ToString(written) + " vs " + BitConverter.ToString(expected));
                passed++;
            }
        }
        finally
        {
            sm.Delete();
        }
        Console.WriteLine(passed + " passed, 0 failed");
    }
}
