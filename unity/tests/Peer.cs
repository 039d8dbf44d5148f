// Console helper for the two-process tests in RuntimeTests.cs. It runs a script given as
// arguments, one command per argument, fields separated by ':'. Prints "SAY <text>" for
// `say`, "DONE" at the end, or "EXC <ExceptionType>: <message>" and exit code 3 on an error.
//
//   --managed                                   use the portable MemoryMappedFile backend
//   open:<prefix>:<create 0|1>:<Python|Unity>:<timeout>[:<capacity>[:<replaceStale 0|1>[:<Adaptive|Spin>]]]
//   wi|ri:<offset>:<int>   wf|rf:<offset>:<float>   ws|rs:<offset>:<text>   wb|rb:<offset>:<0|1>
//   give  give0 (no wait)  wait  resize:<n>  cap:<n>  close  delete  sleep:<ms>  say:<text>  hang
//   pingpong:<n>      n times: read int at 0 (expects 2i) and string at 4 ("t" 2i), write 2i+1 and "p" 2i+1, give without waiting
//   cpugive           give control and wait; print "CPU <cpu seconds> <wall seconds>" of that wait
//   finalizer:<prefix> close twice, drop, collect; then drop an unclosed instance and collect
//   race:<signal dir>:<prefix base>:<rounds>  for each round r: wait for <dir>/go-r, create
//                     <base>r with replaceStale, print "R r WIN" or "R r LOST <type>", wait for <dir>/end-r
using System;
using System.Globalization;
using System.Threading;
using PythonUnitySharedMemory;

internal static class PeerProgram
{
    private static int Main(string[] args)
    {
        SharedMemory sm = null;
        try
        {
            foreach (string arg in args)
            {
                if (arg == "--managed")
                {
                    Platform.ForceManaged = true;
                    continue;
                }
                string[] f = arg.Split(':');
                switch (f[0])
                {
                    case "open":
                        sm = new SharedMemory(f[1], f.Length > 5 ? Int(f[5]) : 0, f[2] == "1", Float(f[4]),
                            (Role)Enum.Parse(typeof(Role), f[3]),
                            f.Length > 7 ? (WaitStrategy)Enum.Parse(typeof(WaitStrategy), f[7]) : WaitStrategy.Adaptive,
                            f.Length > 6 && f[6] == "1");
                        break;
                    case "wi": sm.WriteInt32(Int(f[1]), Int(f[2])); break;
                    case "ri": Expect(sm.ReadInt32(Int(f[1])).Item1, Int(f[2]), arg); break;
                    case "wf": sm.WriteFloat32(Int(f[1]), Float(f[2])); break;
                    case "rf": Expect(sm.ReadFloat32(Int(f[1])).Item1, Float(f[2]), arg); break;
                    case "ws": sm.WriteString(Int(f[1]), f[2]); break;
                    case "rs": Expect(sm.ReadString(Int(f[1])).Item1, f[2], arg); break;
                    case "wb": sm.WriteBool(Int(f[1]), f[2] == "1"); break;
                    case "rb": Expect(sm.ReadBool(Int(f[1])).Item1, f[2] == "1", arg); break;
                    case "give": sm.GiveControl(); break;
                    case "give0": sm.GiveControl(false); break;
                    case "wait": sm.WaitUnblocked(); break;
                    case "resize": sm.Resize(Int(f[1])); break;
                    case "cap": sm.WaitUnblocked(); Expect(sm.Capacity, Int(f[1]), arg); break;
                    case "close": sm.Close(); break;
                    case "delete": sm.Delete(); break;
                    case "sleep": Thread.Sleep(Int(f[1])); break;
                    case "say": Console.WriteLine("SAY " + f[1]); Console.Out.Flush(); break;
                    case "hang": Thread.Sleep(Timeout.Infinite); break;
                    case "pingpong":
                        int n = Int(f[1]);
                        for (int i = 0; i < n; i++)
                        {
                            Expect(sm.ReadInt32(0).Item1, 2 * i, "pingpong int " + i);
                            Expect(sm.ReadString(4).Item1, "t" + (2 * i), "pingpong string " + i);
                            sm.WriteInt32(0, 2 * i + 1);
                            sm.WriteString(4, "p" + (2 * i + 1));
                            sm.GiveControl(false);
                        }
                        break;
                    case "cpugive":
                        // give control, wait for it back, print CPU seconds and wall seconds of the wait
                        var me = System.Diagnostics.Process.GetCurrentProcess();
                        TimeSpan cpu0 = me.TotalProcessorTime;
                        var sw = System.Diagnostics.Stopwatch.StartNew();
                        sm.GiveControl(true);
                        double wall = sw.Elapsed.TotalSeconds;
                        me.Refresh();
                        double cpu = (me.TotalProcessorTime - cpu0).TotalSeconds;
                        Console.WriteLine("CPU " + cpu.ToString("R", CultureInfo.InvariantCulture) + " " + wall.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case "race":
                        Race(f[1], f[2], Int(f[3]));
                        break;
                    case "finalizer":
                        Finalizers(f[1]);
                        break;
                    default:
                        throw new ArgumentException("unknown peer command " + arg);
                }
            }
            Console.WriteLine("DONE");
            Console.Out.Flush();
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine("EXC " + e.GetType().Name + ": " + e.Message.Replace('\n', ' '));
            Console.Out.Flush();
            return 3;
        }
    }

    private static void Race(string signals, string prefixBase, int rounds)
    {
        Console.WriteLine("SAY ready");
        Console.Out.Flush();
        for (int r = 0; r < rounds; r++)
        {
            string go = System.IO.Path.Combine(signals, "go-" + r);
            while (!System.IO.File.Exists(go)) Thread.Yield();
            SharedMemory won = null;
            string result;
            try
            {
                won = new SharedMemory(prefixBase + r, 16, true, 5, Role.Unity, WaitStrategy.Adaptive, true);
                result = "WIN";
            }
            catch (Exception e)
            {
                result = "LOST " + e.GetType().Name + ": " + e.Message.Replace('\n', ' ');
            }
            Console.WriteLine("R " + r + " " + result);
            Console.Out.Flush();
            string end = System.IO.Path.Combine(signals, "end-" + r);
            while (!System.IO.File.Exists(end)) Thread.Sleep(1);
            if (won != null) won.Close();
        }
    }

    private static void Finalizers(string prefix)
    {
        MakeAndClose(prefix + "a");
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        MakeAndDrop(prefix + "b");
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Console.WriteLine("SAY finalized");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MakeAndClose(string prefix)
    {
        var sm = new SharedMemory(prefix, 64, true, 5);
        sm.WriteInt32(0, 1);
        sm.Close();
        sm.Close();
        sm.Delete();
        sm.Dispose();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MakeAndDrop(string prefix)
    {
        var sm = new SharedMemory(prefix, 64, true, 5, Role.Unity, WaitStrategy.Adaptive, false);
        sm.WriteInt32(0, 2);
    }

    private static int Int(string s) { return int.Parse(s, CultureInfo.InvariantCulture); }
    private static float Float(string s) { return float.Parse(s, CultureInfo.InvariantCulture); }

    private static void Expect<T>(T actual, T expected, string what)
    {
        if (!Equals(actual, expected))
            throw new Exception("peer check failed: " + what + ": expected " + expected + ", got " + actual);
    }
}
