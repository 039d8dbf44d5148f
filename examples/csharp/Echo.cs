// The C# echo peer of examples/ECHO.md: one side of pusm's cross-language tests, and the
// smallest complete template of a pusm program in C#: open a shared memory, wait for a
// request, decode it with the generated code, answer, give control back, exit cleanly
// when the other side closes.
//
// Build (Mono; examples/csharp/build.sh does this, with the same flags as unity/tests/run.sh):
//
//   mcs -langversion:7.2 -unsafe -debug -warnaserror+ -target:exe -out:Echo.exe \
//       unity/com.pusm.runtime/Runtime/*.cs examples/csharp/Generated/*.cs examples/csharp/Echo.cs
//
// The generated classes come from the schemas:
//
//   cargo run -p pusm-codegen -- --csharp examples/csharp/Generated \
//       schemas/common.pusm schemas/robot.pusm schemas/edge_cases.pusm
//
// Run:
//
//   mono Echo.exe --prefix P --role python|unity [--create] [--capacity N] [--timeout SECONDS]
//
// Requests (the driver writes them, then gives control): an int32 op at offset 0, then
//   1 ECHO    a checked message at offset 4 (int32 fingerprint, then the message); the reply is
//             the message echoed in place and status 0 at offset 0 (status 1 and a default
//             Observation for an unknown fingerprint)
//   2 RESIZE  an int32 capacity at offset 4; the peer resizes, status 0
//   3 CLOSE   the peer closes without giving control back and exits 0
//
// Exit status: 0 when the driver closes the memory (or after op 3), 1 on any other error (its
// message on stderr), 2 on a bad command line.
//
// In a Unity project, copy the loop of Serve() into a MonoBehaviour and poll with
// SharedMemory.PollUnblocked() in Update() instead of blocking in GiveControl().
using System;
using System.Globalization;
using System.IO;
using PythonUnitySharedMemory;

namespace PusmExamples
{
    /// <summary>The echo peer of ECHO.md.</summary>
    internal static class Echo
    {
        /// <summary>Where the op (request) or the status (reply) is.</summary>
        private const int OpOffset = 0;

        /// <summary>Where the checked message or the resize capacity is.</summary>
        private const int PayloadOffset = 4;

        private const int OpEcho = 1;
        private const int OpResize = 2;
        private const int OpClose = 3;

        /// <summary>Reply status: done as asked.</summary>
        private const int StatusOk = 0;

        /// <summary>Reply status: the message's fingerprint is not one of the schemas' struct types.</summary>
        private const int StatusSchemaMismatch = 1;

        private const string Usage =
            "usage: Echo.exe --prefix P --role python|unity [--create] [--capacity N] [--timeout SECONDS]";

        private static int Main(string[] args)
        {
            Options options;
            try
            {
                options = Options.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("echo: " + e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }

            SharedMemory sm = null;
            try
            {
                // A joiner's constructor blocks until the creator gives control.
                sm = new SharedMemory(options.Prefix, options.Capacity, options.Create, options.Timeout, options.Role);
                if (options.Create)
                {
                    // The creator holds control first: the driver writes the first request.
                    sm.GiveControl(false);
                }
                Serve(sm);
                return 0;
            }
            catch (PeerClosedException)
            {
                // The driver closed the memory: the normal end of a session.
                return 0;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("echo: error: " + e.Message);
                return 1;
            }
            finally
            {
                // Idempotent; after an error, tells the driver at once that this side is gone.
                if (sm != null) sm.Close();
            }
        }

        /// <summary>Answers requests until the driver closes (PeerClosedException) or sends op 3.</summary>
        private static void Serve(SharedMemory sm)
        {
            while (true)
            {
                // Waits for our turn; throws PeerClosedException when the driver has closed.
                int op = sm.ReadInt32(OpOffset).Item1;
                switch (op)
                {
                    case OpEcho:
                        if (EchoMessage(sm, PayloadOffset))
                        {
                            sm.WriteInt32(OpOffset, StatusOk);
                        }
                        else
                        {
                            sm.WriteInt32(OpOffset, StatusSchemaMismatch);
                            // Every field at its default: zero, false, "", empty lists, four zero
                            // Vec3 corners, no target.
                            new Robot.Observation().WriteChecked(sm, PayloadOffset);
                        }
                        break;
                    case OpResize:
                        sm.Resize(sm.ReadInt32(PayloadOffset).Item1);
                        sm.WriteInt32(OpOffset, StatusOk);
                        break;
                    case OpClose:
                        // Without giving control back: the driver's wait fails with "peer closed".
                        sm.Close();
                        return;
                    default:
                        throw new InvalidDataException("unknown echo op " + op + " at offset " + OpOffset + " (expected 1, 2 or 3)");
                }
                sm.GiveControl();
            }
        }

        /// <summary>
        /// Answers the checked message at <paramref name="offset"/> in place: reads it with the
        /// generated ReadChecked of the struct type whose fingerprint it carries, applies the echo
        /// rule, writes it back with WriteChecked. Returns false (after printing the schema-mismatch
        /// error on stderr) when the fingerprint is none of the schemas' struct types.
        /// </summary>
        private static bool EchoMessage(SharedMemory sm, int offset)
        {
            uint fingerprint = unchecked((uint)sm.ReadInt32(offset).Item1);
            switch (fingerprint)
            {
                case Common.Vec3.Fingerprint:
                    Common.Vec3.ReadChecked(sm, offset).Item1.WriteChecked(sm, offset);
                    return true;
                case Robot.Observation.Fingerprint:
                    Echoed(Robot.Observation.ReadChecked(sm, offset).Item1).WriteChecked(sm, offset);
                    return true;
                case Robot.Action.Fingerprint:
                    Robot.Action.ReadChecked(sm, offset).Item1.WriteChecked(sm, offset);
                    return true;
                case EdgeCases.Nested.Fingerprint:
                    EdgeCases.Nested.ReadChecked(sm, offset).Item1.WriteChecked(sm, offset);
                    return true;
                case EdgeCases.Keywords.Fingerprint:
                    EdgeCases.Keywords.ReadChecked(sm, offset).Item1.WriteChecked(sm, offset);
                    return true;
                case EdgeCases.Empty.Fingerprint:
                    EdgeCases.Empty.ReadChecked(sm, offset).Item1.WriteChecked(sm, offset);
                    return true;
                case EdgeCases.Pose.Fingerprint:
                    EdgeCases.Pose.ReadChecked(sm, offset).Item1.WriteChecked(sm, offset);
                    return true;
                default:
                    // Not one of ours: let the generated code report it, as any program expecting an
                    // Observation would see it.
                    try
                    {
                        Robot.Observation.ReadChecked(sm, offset);
                    }
                    catch (Robot.SchemaMismatchException e)
                    {
                        Console.Error.WriteLine("echo: " + e.Message);
                        return false;
                    }
                    throw new InvalidOperationException(
                        "fingerprint 0x" + fingerprint.ToString("x8", CultureInfo.InvariantCulture) + " was not reported as a schema mismatch");
            }
        }

        /// <summary>The echo rule for robot.Observation: step + 1 (wrapping), done negated, "·" appended to name.</summary>
        private static Robot.Observation Echoed(Robot.Observation observation)
        {
            observation.Step = unchecked(observation.Step + 1);
            observation.Done = !observation.Done;
            observation.Name += "\u00B7";
            return observation;
        }

        /// <summary>The command line, the same as the Rust and Python echo peers'.</summary>
        private sealed class Options
        {
            public string Prefix;
            public Role Role;
            public bool Create;
            public int Capacity = 4096;
            public float Timeout = 30;

            public static Options Parse(string[] args)
            {
                var options = new Options();
                bool haveRole = false;
                for (int i = 0; i < args.Length; i++)
                {
                    string arg = args[i];
                    switch (arg)
                    {
                        case "--create":
                            options.Create = true;
                            break;
                        case "--prefix":
                            options.Prefix = Value(args, ref i);
                            break;
                        case "--role":
                            string role = Value(args, ref i);
                            if (role == "python") options.Role = Role.Python;
                            else if (role == "unity") options.Role = Role.Unity;
                            else throw new ArgumentException("--role must be python or unity, not \"" + role + "\"");
                            haveRole = true;
                            break;
                        case "--capacity":
                            string capacity = Value(args, ref i);
                            if (!int.TryParse(capacity, NumberStyles.None, CultureInfo.InvariantCulture, out options.Capacity) || options.Capacity < 1)
                                throw new ArgumentException("--capacity must be a positive number of bytes, not \"" + capacity + "\"");
                            break;
                        case "--timeout":
                            string timeout = Value(args, ref i);
                            if (!float.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out options.Timeout))
                                throw new ArgumentException("--timeout must be a number of seconds, not \"" + timeout + "\"");
                            break;
                        default:
                            throw new ArgumentException("unexpected argument \"" + arg + "\"");
                    }
                }
                if (options.Prefix == null) throw new ArgumentException("--prefix is required");
                if (!haveRole) throw new ArgumentException("--role is required");
                return options;
            }

            private static string Value(string[] args, ref int i)
            {
                if (i + 1 >= args.Length) throw new ArgumentException(args[i] + " needs a value");
                i++;
                return args[i];
            }
        }
    }
}
