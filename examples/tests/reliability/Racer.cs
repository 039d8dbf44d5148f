// A replace_stale racer for examples/tests/reliability/race.rs, driven over stdin/stdout
// (the same commands as racer.py): "race PREFIX CAPACITY GO_FILE DELAY_US" answers "ready",
// waits until GO_FILE exists and DELAY_US more microseconds, creates PREFIX with
// replaceStale: true and answers "won" or "lost AlreadyExists"; "release" deletes what it won.
using System;
using System.Diagnostics;
using System.IO;
using PythonUnitySharedMemory;

public static class Racer
{
    private static void Answer(string text)
    {
        Console.Out.WriteLine("racer: " + text);
        Console.Out.Flush();
    }

    private static SharedMemory Race(string prefix, int capacity, string go, long delayUs)
    {
        Answer("ready");
        while (!File.Exists(go)) { }
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.Ticks * 1000000 / TimeSpan.TicksPerSecond < delayUs) { }
        try
        {
            var memory = new SharedMemory(prefix, capacity, true, 5f, Role.Unity,
                                          WaitStrategy.Adaptive, true);
            Answer("won");
            return memory;
        }
        catch (AlreadyExistsException)
        {
            Answer("lost AlreadyExists");
        }
        catch (Exception error)
        {
            Answer("error " + error.GetType().Name + ": " + error.Message.Replace('\n', ' '));
        }
        return null;
    }

    public static int Main()
    {
        SharedMemory won = null;
        string line;
        while ((line = Console.In.ReadLine()) != null)
        {
            var words = line.Split(' ');
            if (words[0] == "race")
            {
                won = Race(words[1], int.Parse(words[2]), words[3], long.Parse(words[4]));
            }
            else if (words[0] == "release")
            {
                won.Delete();
                won = null;
                Answer("released");
            }
        }
        return 0;
    }
}
