// The robot simulator of pusm's demo, written the way a Unity scene would drive a Python
// agent: this process plays the Unity role, creates the shared memory, starts the agent
// (examples/python/agent.py, the Python role) and then, every step, sends one
// Robot.Observation and reads back one Robot.Action. Both sides use classes generated from
// schemas/robot.pusm. The camera frame grows every step, so the memory is resized when an
// observation outgrows it. The little world is the one of examples/src/world.rs (the Rust
// simulator), step for step.
//
// Build (Mono; examples/csharp/build.sh does this, with the same flags as unity/tests/run.sh):
//
//   mcs -langversion:7.2 -unsafe -debug -warnaserror+ -target:exe -out:RobotSim.exe \
//       unity/com.pusm.runtime/Runtime/*.cs examples/csharp/Generated/*.cs examples/csharp/RobotSim.cs
//
// Run from the repository root (the agent's default path is relative to the current directory):
//
//   mono RobotSim.exe [--steps N] [--agent PATH_TO_agent.py] [--prefix P]
//                     [--capacity BYTES] [--python INTERPRETER]
//
// Defaults: 2000 steps, examples/python/agent.py, prefix robot-sim-<process id>, an initial
// capacity of 1024 bytes, python3. Exit status: 0 on success, 1 if the simulation or the
// agent failed, 2 on a bad command line.
//
// In a Unity scene, the body of the step loop goes in a MonoBehaviour: build the Observation
// from the scene in FixedUpdate(), write it and GiveControl(false); then, in Update(), once
// sm.PollUnblocked() returns true, read the Action and apply it, without blocking the frame.
using System;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using PythonUnitySharedMemory;
using Robot;
using Vec3 = Common.Vec3;

namespace PusmExamples
{
    /// <summary>The robot simulator (Unity role) of pusm's demo.</summary>
    internal static class RobotSim
    {
        /// <summary>How long any wait for the agent may last, in seconds.</summary>
        private const float TimeoutSeconds = 30;

        /// <summary>How long to wait for the agent to exit after closing the memory.</summary>
        private const int AgentExitMillis = 60000;

        private const string Usage =
            "usage: RobotSim.exe [--steps N] [--agent PATH_TO_agent.py] [--prefix P] [--capacity BYTES] [--python INTERPRETER]";

        private static int Main(string[] args)
        {
            Options options;
            try
            {
                options = Options.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("robot-sim: " + e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }
            try
            {
                return Run(options);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("robot-sim: error: " + e.Message);
                return 1;
            }
        }

        private static int Run(Options options)
        {
            // Unity creates, Python joins: the creator holds control first.
            var sm = new SharedMemory(options.Prefix, options.Capacity, true, TimeoutSeconds, Role.Unity);
            Process agent;
            try
            {
                Console.WriteLine("pusm robot demo: C# simulator (Unity role) <-> Python agent (Python role)");
                Console.WriteLine("  shared memory \"" + options.Prefix + "\" (" + sm.Capacity + " bytes)");
                Console.Out.Flush();
                agent = StartAgent(options);
            }
            catch
            {
                sm.Delete(); // nobody joined: remove the files
                throw;
            }

            Summary summary = null;
            Exception failure = null;
            try
            {
                summary = Simulate(sm, options.Steps, agent);
            }
            catch (Exception e)
            {
                failure = e;
            }
            // Tells the agent we are done: its next wait fails with "peer closed" and it exits
            // (deleting the files: the last side to close removes them). After a failure the
            // agent may never have joined, so this side removes the files itself.
            if (failure == null) sm.Close();
            else sm.Delete();
            if (!agent.WaitForExit(AgentExitMillis))
            {
                Console.Error.WriteLine("robot-sim: the agent did not exit within " + AgentExitMillis / 1000 + " s: killing it");
                agent.Kill();
                agent.WaitForExit();
            }
            int agentStatus = agent.ExitCode;
            agent.Dispose();

            if (failure != null)
            {
                Console.Error.WriteLine("robot-sim: error: simulation failed: " + failure.Message);
                return 1;
            }
            if (agentStatus != 0)
            {
                Console.Error.WriteLine("robot-sim: error: the agent exited with status " + agentStatus);
                return 1;
            }

            double seconds = summary.Elapsed.TotalSeconds;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "  simulator: {0} steps, {1} episodes, {2} resizes (memory grew to {3} bytes)",
                summary.Steps, summary.Episodes, summary.Resizes, summary.Capacity));
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "  {0} steps in {1:F3} s: {2:F0} steps/s, {3:F1} µs per step (one Observation out, one Action back)",
                summary.Steps, seconds, summary.Steps / seconds, seconds * 1e6 / Math.Max(1, summary.Steps)));
            return 0;
        }

        /// <summary>Starts <c>python3 AGENT --prefix P</c>; its stdout and stderr are this process's.</summary>
        private static Process StartAgent(Options options)
        {
            var start = new ProcessStartInfo
            {
                FileName = options.Python,
                Arguments = Quote(options.Agent) + " --prefix " + Quote(options.Prefix),
                UseShellExecute = false, // inherit stdin, stdout and stderr
            };
            try
            {
                return Process.Start(start);
            }
            catch (Exception e)
            {
                throw new Exception("cannot start the agent (" + options.Python + " " + options.Agent + "): " + e.Message, e);
            }
        }

        /// <summary>The step loop: one Observation out, one Action back.</summary>
        private static Summary Simulate(SharedMemory sm, int steps, Process agent)
        {
            var world = new World();
            var action = new Robot.Action(); // read into every step: no allocation per answer
            int resizes = 0;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++)
            {
                Observation observation = world.Observe();
                // A checked message: the int32 fingerprint, then the message.
                int needed = 4 + observation.EncodedLength();
                if (needed > sm.Capacity)
                {
                    int capacity = sm.Capacity;
                    while (capacity < needed) capacity *= 2;
                    sm.Resize(capacity); // the agent follows on its next wait
                    resizes++;
                }
                observation.WriteChecked(sm, 0);
                if (i == 0)
                {
                    // The agent may still be starting (or fail to): watch it while waiting.
                    sm.GiveControl(false);
                    WaitForFirstAnswer(sm, agent);
                }
                else
                {
                    sm.GiveControl(); // the agent's turn; blocks until it answers
                }
                action.ReadCheckedInto(sm, 0);
                world.Apply(observation, action);
            }
            clock.Stop();
            return new Summary
            {
                Steps = steps,
                Episodes = world.Episodes,
                Resizes = resizes,
                Capacity = sm.Capacity,
                Elapsed = clock.Elapsed,
            };
        }

        /// <summary>
        /// Waits for the agent's first answer like <see cref="SharedMemory.WaitUnblocked"/>, but
        /// fails at once if the agent process exits before joining (a wrong path, a missing
        /// module) instead of waiting for the timeout. Once joined, the runtime itself notices
        /// a dead agent (PeerDiedException on Linux).
        /// </summary>
        private static void WaitForFirstAnswer(SharedMemory sm, Process agent)
        {
            var waited = Stopwatch.StartNew();
            while (!sm.PollUnblocked())
            {
                if (agent.HasExited)
                {
                    // It may have answered just before exiting.
                    if (sm.PollUnblocked()) return;
                    throw new Exception("the agent exited with status " + agent.ExitCode + " before answering the first observation");
                }
                if (waited.Elapsed.TotalSeconds > TimeoutSeconds)
                    throw new Exception("the agent did not answer the first observation within " + TimeoutSeconds + " s");
                Thread.Sleep(1);
            }
        }

        private static string Quote(string argument)
        {
            return "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        }

        private sealed class Summary
        {
            public int Steps;
            public int Episodes;
            public int Resizes;
            public int Capacity;
            public TimeSpan Elapsed;
        }

        /// <summary>The command line.</summary>
        private sealed class Options
        {
            public int Steps = 2000;
            public string Agent = System.IO.Path.Combine("examples", "python", "agent.py");
            public string Prefix = "robot-sim-" + Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture);
            public int Capacity = 1024;
            public string Python = "python3";

            public static Options Parse(string[] args)
            {
                var options = new Options();
                for (int i = 0; i < args.Length; i++)
                {
                    string arg = args[i];
                    switch (arg)
                    {
                        case "--steps":
                            options.Steps = Number(arg, Value(args, ref i), 0);
                            break;
                        case "--agent":
                            options.Agent = Value(args, ref i);
                            break;
                        case "--prefix":
                            options.Prefix = Value(args, ref i);
                            break;
                        case "--capacity":
                            options.Capacity = Number(arg, Value(args, ref i), 1);
                            break;
                        case "--python":
                            options.Python = Value(args, ref i);
                            break;
                        default:
                            throw new ArgumentException("unexpected argument \"" + arg + "\"");
                    }
                }
                return options;
            }

            private static string Value(string[] args, ref int i)
            {
                if (i + 1 >= args.Length) throw new ArgumentException(args[i] + " needs a value");
                i++;
                return args[i];
            }

            private static int Number(string name, string text, int minimum)
            {
                int value;
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < minimum)
                    throw new ArgumentException(name + " must be an integer of at least " + minimum + ", not \"" + text + "\"");
                return value;
            }
        }
    }

    /// <summary>
    /// The demo's little world, deterministic and identical to examples/src/world.rs:
    /// <list type="bullet">
    /// <item>the robot starts at the origin; the first target is (5, 0, 5);</item>
    /// <item>each step the position moves by force * dt (dt = 0.05 s unless the action gives one);
    /// the reward is minus the distance to the target;</item>
    /// <item>within 0.25 of the target the step is done, and the next target is the old one
    /// turned 90 degrees around the y axis and scaled by 1.1;</item>
    /// <item>the camera frame grows from 64 bytes by 8 bytes a step, wrapping every 200 steps.</item>
    /// </list>
    /// Every float operation is rounded to float32 explicitly, so the numbers match the Rust
    /// simulator's bit for bit.
    /// </summary>
    internal sealed class World
    {
        /// <summary>Rays per observation.</summary>
        public const int Rays = 64;

        /// <summary>The step length when the agent does not choose one, in seconds.</summary>
        public const float DefaultDt = 0.05f;

        /// <summary>How close counts as "at the target".</summary>
        public const float Reached = 0.25f;

        private int _step;
        private readonly Vec3 _position = new Vec3(0, 0, 0);
        private Vec3 _target = new Vec3(5, 0, 5);
        private Command _lastCommand = Command.Idle;

        /// <summary>Episodes finished so far (steps that were done).</summary>
        public int Episodes { get; private set; }

        /// <summary>What the robot sees at this step.</summary>
        public Observation Observe()
        {
            float toTarget = Distance(_position, _target);
            var rays = new System.Collections.Generic.List<float>(Rays);
            for (int i = 0; i < Rays; i++) rays.Add((float)(toTarget + (float)(0.01f * i)));
            var corners = new[] { Corner(-0.5f, -0.5f), Corner(0.5f, -0.5f), Corner(0.5f, 0.5f), Corner(-0.5f, 0.5f) };
            int stepInCycle = ((_step % 200) + 200) % 200; // Euclidean remainder: never negative
            var camera = new byte[64 + stepInCycle * 8];
            for (int i = 0; i < camera.Length; i++) camera[i] = unchecked((byte)(_step + i));
            return new Observation(
                _step,
                toTarget < Reached,
                -toTarget,
                new Vec3(_position.X, _position.Y, _position.Z),
                rays,
                corners,
                "robot-01",
                camera,
                new Vec3(_target.X, _target.Y, _target.Z),
                _lastCommand,
                Common.Team.Red);
        }

        /// <summary>Applies the agent's answer to <paramref name="observation"/> and moves to the next step.</summary>
        public void Apply(Observation observation, Robot.Action action)
        {
            if (observation.Done)
            {
                Episodes++;
                _target = new Vec3((float)(_target.Z * 1.1f), _target.Y, (float)(-_target.X * 1.1f));
            }
            float dt = action.Dt.HasValue ? action.Dt.Value : DefaultDt;
            _position.X = (float)(_position.X + (float)(action.Force.X * dt));
            _position.Y = (float)(_position.Y + (float)(action.Force.Y * dt));
            _position.Z = (float)(_position.Z + (float)(action.Force.Z * dt));
            _lastCommand = action.Command;
            _step = unchecked(_step + 1);
        }

        private Vec3 Corner(float dx, float dz)
        {
            return new Vec3((float)(_position.X + dx), _position.Y, (float)(_position.Z + dz));
        }

        private static float Distance(Vec3 a, Vec3 b)
        {
            float dx = (float)(a.X - b.X);
            float dy = (float)(a.Y - b.Y);
            float dz = (float)(a.Z - b.Z);
            float sum = (float)((float)((float)(dx * dx) + (float)(dy * dy)) + (float)(dz * dz));
            // The square root of a float32, correctly rounded (as Rust's f32::sqrt).
            return (float)Math.Sqrt(sum);
        }
    }
}
