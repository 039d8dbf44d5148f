// pusm's C# side of measurement 3 of pusm's benchmarks (pusm-bench): the counter
// protocol of peers/README.md on pusm's C# runtime (unity/com.pusm.runtime), with its
// default (adaptive) wait. The bench compiles it with the runtime's sources:
//
//   mcs -langversion:7.2 -unsafe -optimize+ -target:exe -r:System.Core.dll -out:PusmPeer.exe \
//       unity/com.pusm.runtime/Runtime/*.cs pusm-bench/peers/PusmPeer.cs
//   TMPDIR=... mono PusmPeer.exe --prefix P
//
// It joins the shared memory P as the Unity role (as the original C# package does), then:
// read the int32 at 0; -1 means exit; otherwise write it plus one and give control back.
using System;
using PythonUnitySharedMemory;

namespace PusmBench
{
    internal static class PusmPeer
    {
        private static int Main(string[] args)
        {
            if (args.Length != 2 || args[0] != "--prefix")
            {
                Console.Error.WriteLine("usage: PusmPeer.exe --prefix P");
                return 2;
            }
            SharedMemory sm = null;
            try
            {
                // Joins (the capacity comes from the hook) and waits for control.
                sm = new SharedMemory(args[1], 0, false, 30f, Role.Unity);
                while (true)
                {
                    int value = sm.ReadInt32(0).Item1;
                    if (value < 0) return 0;
                    sm.WriteInt32(0, value + 1);
                    sm.GiveControl();
                }
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("PusmPeer: " + e.Message);
                return 1;
            }
            finally
            {
                if (sm != null) sm.Close();
            }
        }
    }
}
