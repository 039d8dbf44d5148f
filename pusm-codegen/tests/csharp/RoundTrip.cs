// Runs generated C# against the memory it was compiled with (the test stub or the
// real runtime): every message type round-trips its default value, the fingerprints
// equal the Rust side's, and the error paths throw what the spec says.
//
// Usage: mono RoundTrip.exe STRUCTS_FILE
// STRUCTS_FILE has one "Namespace.Class 0xFINGERPRINT" line per struct.
// Prints "N passed, 0 failed"; any failure throws (non-zero exit).

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using PythonUnitySharedMemory;

public static class RoundTrip
{
    private static int _passed;

    private static SharedMemory NewMemory()
    {
        var prefix = "pusm-codegen-test-" + Guid.NewGuid().ToString("N");
        return new SharedMemory(prefix, 1 << 16, true, 5f);
    }

    private static void Assert(bool condition, string message)
    {
        if (!condition) throw new Exception("assertion failed: " + message);
    }

    private static byte[] Bytes(SharedMemory sm, int offset, int end)
    {
        return sm.ReadBytes(offset, end - offset).Item1;
    }

    private static T Expect<T>(Action action, params string[] words) where T : Exception
    {
        try
        {
            action();
        }
        catch (T error)
        {
            foreach (var word in words)
            {
                Assert(error.Message.Contains(word), "'" + error.Message + "' should mention '" + word + "'");
            }
            return error;
        }
        throw new Exception("expected " + typeof(T).Name + " mentioning " + string.Join(", ", words));
    }

    private static int Write(object message, SharedMemory sm, int offset, string method = "Write")
    {
        return (int)message.GetType().GetMethod(method).Invoke(message, new object[] { sm, offset });
    }

    private static (object, int) Read(Type type, SharedMemory sm, int offset, string method = "Read")
    {
        try
        {
            var result = type.GetMethod(method).Invoke(null, new object[] { sm, offset });
            var fields = result.GetType().GetFields();
            return (fields[0].GetValue(result), (int)fields[1].GetValue(result));
        }
        catch (TargetInvocationException error)
        {
            throw error.InnerException;
        }
    }

    public static void Main(string[] args)
    {
        var expected = File.ReadAllLines(args[0])
            .Where(line => line.Length > 0)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => Convert.ToUInt32(parts[1], 16));
        var assembly = typeof(RoundTrip).Assembly;
        var sm = NewMemory();
        try
        {
            foreach (var entry in expected)
            {
                var type = assembly.GetType(entry.Key);
                Assert(type != null, "no class " + entry.Key);
                var fingerprint = (uint)type.GetField("Fingerprint").GetRawConstantValue();
                Assert(fingerprint == entry.Value, entry.Key + " fingerprint " + fingerprint.ToString("x8"));

                // The default value, written at offset 3, read back and written again.
                var message = Activator.CreateInstance(type);
                int end = Write(message, sm, 3);
                var first = Bytes(sm, 3, end);
                var (back, backEnd) = Read(type, sm, 3);
                Assert(backEnd == end, entry.Key + " read end " + backEnd + " != " + end);
                int againEnd = Write(back, sm, 3);
                Assert(againEnd == end && Bytes(sm, 3, end).SequenceEqual(first), entry.Key + " bytes differ");

                // Checked: the fingerprint as an int32 first.
                end = Write(message, sm, 0, "WriteChecked");
                Assert(unchecked((uint)sm.ReadInt32(0).Item1) == fingerprint, entry.Key + " checked fingerprint");
                Assert(Read(type, sm, 0, "ReadChecked").Item2 == end, entry.Key + " checked end");
                _passed++;
            }

            var types = expected.Keys.Select(name => assembly.GetType(name)).ToList();
            if (types.Count >= 2) // another type to mismatch with
            {
                Write(Activator.CreateInstance(types[0]), sm, 0, "WriteChecked");
                var mismatch = Expect<Exception>(() => Read(types[1], sm, 0, "ReadChecked"), "schema mismatch: expected fingerprint 0x");
                Assert(mismatch.GetType().Name == "SchemaMismatchException", "a mismatch throws SchemaMismatchException, not " + mismatch.GetType());
                _passed++;
            }

            if (expected.ContainsKey("EdgeCases.Nested") && expected.ContainsKey("Robot.Action"))
            {
                ErrorPaths(sm);
            }
        }
        finally
        {
            sm.Delete();
        }
        Console.WriteLine(_passed + " passed, 0 failed");
    }

    private static void ErrorPaths(SharedMemory sm)
    {
        // A negative list count.
        sm.WriteInt32(0, -1);
        Expect<InvalidDataException>(() => EdgeCases.Nested.Read(sm, 0), "Nested.Matrix", "-1", "offset 0");
        // An unknown enum value.
        sm.WriteInt32(0, 99);
        Expect<InvalidDataException>(() => Robot.Action.Read(sm, 0), "Action.Command", "99", "Command");
        // Invalid UTF-8 (the string's length prefix is at offset 4).
        sm.WriteInt32(0, 7);
        sm.WriteInt32(4, 2);
        sm.WriteBytes(8, new byte[] { 0xC3, 0x28 });
        Expect<InvalidDataException>(() => EdgeCases.Keywords.Read(sm, 0), "Keywords.Class", "UTF-8", "offset 4");
        // UTF-8 text round-trips, non-ASCII included.
        var keywords = new EdgeCases.Keywords { Class = "h\u00e9llo \u2713 \u65e5\u672c" };
        int end = keywords.Write(sm, 0);
        Assert(EdgeCases.Keywords.Read(sm, 0).Item1.Class == keywords.Class, "UTF-8 text");
        // Fixed arrays of the wrong length, or null.
        Expect<ArgumentException>(() => new Robot.Action { Gains = new float[1] }.Write(sm, 0), "Action.Gains", "3");
        Expect<ArgumentException>(() => new Robot.Action { Gains = null }.Write(sm, 0), "Action.Gains");
        var nested = new EdgeCases.Nested();
        nested.Grid[1] = new float[3];
        Expect<ArgumentException>(() => nested.Write(sm, 0), "Nested.Grid", "2");
        // Nullable value types, enums and lists.
        var action = new Robot.Action { Dt = 0.5f, Command = Robot.Command.Reset };
        action.Tags.Add("a");
        action.Tags.Add("");
        end = action.Write(sm, 0);
        var (read, readEnd) = Robot.Action.Read(sm, 0);
        Assert(readEnd == end && read.Dt == 0.5f && read.Command == Robot.Command.Reset, "Action fields");
        Assert(read.Tags.SequenceEqual(new[] { "a", "" }), "Action.Tags");
        _passed++;
    }
}
