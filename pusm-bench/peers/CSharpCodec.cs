// Measurement 8: generated C# write+read of robot.Observation (64 rays) on pusm's C#
// runtime, as generated today (runs: one WriteBytes per message, one ReadBytes per run)
// and as generated before (BaselineRobot in CSharpCodecBaseline.cs: one runtime call per
// primitive), alternating in the same process. Also ReadInto (reuse, pooled reads) and
// the bytes each way allocates per step.
//
// Usage: TMPDIR=... mono CSharpCodec.exe [--quick]
// Prints "RESULT key n p50 p99 min max mean" (ns per write+read) and "INFO ..." lines.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using PythonUnitySharedMemory;

public static class CSharpCodec
{
    private const int Rays = 64;

    private static Robot.Observation Runs()
    {
        var o = new Robot.Observation();
        o.Step = 7;
        o.Reward = 0.5f;
        o.Position = new Common.Vec3(1, 2, 3);
        for (int i = 0; i < Rays; i++) o.Rays.Add(i * 0.25f);
        o.Name = "robot-1";
        o.Camera = new byte[64];
        o.Target = new Common.Vec3(4, 5, 6);
        o.LastCommand = Robot.Command.Move;
        return o;
    }

    private static BaselineRobot.Observation Baseline()
    {
        var o = new BaselineRobot.Observation();
        o.Step = 7;
        o.Reward = 0.5f;
        o.Position = new BaselineCommon.Vec3(1, 2, 3);
        for (int i = 0; i < Rays; i++) o.Rays.Add(i * 0.25f);
        o.Name = "robot-1";
        o.Camera = new byte[64];
        o.Target = new BaselineCommon.Vec3(4, 5, 6);
        o.LastCommand = BaselineRobot.Command.Move;
        return o;
    }

    private static void Result(string key, List<double> samples)
    {
        samples.Sort();
        Func<double, double> at = q => samples[Math.Min(samples.Count - 1, (int)(q * samples.Count))];
        Console.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "RESULT {0} {1} {2:F1} {3:F1} {4:F1} {5:F1} {6:F1}",
            key, samples.Count, at(0.5), at(0.99), samples[0], samples[samples.Count - 1], samples.Average()));
    }

    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        int rounds = quick ? 20 : 200;
        int batch = quick ? 50 : 500;
        var sm = new SharedMemory("pusm-bench-csharp-codec-" + Guid.NewGuid().ToString("N"), 1 << 16, true, 5f);
        try
        {
            var runs = Runs();
            var baseline = Baseline();
            var into = new Robot.Observation();
            int end = runs.Write(sm, 0);
            // The same bytes both ways, or the comparison means nothing.
            var bytes = sm.ReadBytes(0, end).Item1;
            if (baseline.Write(sm, 0) != end || !sm.ReadBytes(0, end).Item1.SequenceEqual(bytes))
            {
                Console.Error.WriteLine("the baseline and the generated code write different bytes");
                return 1;
            }
            var samples = new Dictionary<string, List<double>>
            {
                { "csharp_runs", new List<double>() },
                { "csharp_read_into", new List<double>() },
                { "csharp_per_field", new List<double>() },
            };
            var watch = new Stopwatch();
            double nsPerTick = 1e9 / Stopwatch.Frequency;
            for (int round = -2; round < rounds; round++)
            {
                watch.Restart();
                for (int i = 0; i < batch; i++)
                {
                    baseline.Write(sm, 0);
                    BaselineRobot.Observation.Read(sm, 0);
                }
                double perField = watch.ElapsedTicks * nsPerTick / batch;
                watch.Restart();
                for (int i = 0; i < batch; i++)
                {
                    runs.Write(sm, 0);
                    Robot.Observation.Read(sm, 0);
                }
                double withRuns = watch.ElapsedTicks * nsPerTick / batch;
                watch.Restart();
                for (int i = 0; i < batch; i++)
                {
                    runs.Write(sm, 0);
                    into.ReadInto(sm, 0);
                }
                double readInto = watch.ElapsedTicks * nsPerTick / batch;
                if (round < 0) continue; // warm-up: the JIT
                samples["csharp_per_field"].Add(perField);
                samples["csharp_runs"].Add(withRuns);
                samples["csharp_read_into"].Add(readInto);
            }
            foreach (var entry in samples) Result(entry.Key, entry.Value);

            const int steps = 1000;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) { baseline.Write(sm, 0); BaselineRobot.Observation.Read(sm, 0); }
            long perFieldBytes = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) { runs.Write(sm, 0); Robot.Observation.Read(sm, 0); }
            long runsBytes = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) { runs.Write(sm, 0); into.ReadInto(sm, 0); }
            long intoBytes = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
            Console.WriteLine("INFO allocated per write+read of Observation (" + Rays + " rays): Write+ReadInto "
                + intoBytes + " bytes, Write+Read " + runsBytes + " bytes, field by field (before runs) "
                + perFieldBytes + " bytes");
            Console.WriteLine("INFO " + end + "-byte Observation; mono " + Environment.Version);
        }
        finally
        {
            sm.Delete();
        }
        return 0;
    }
}
