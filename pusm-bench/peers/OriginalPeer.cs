// An original-style C# side of wire protocol v1, written for pusm's benchmarks from
// docs/PROTOCOL.md (not from the original package): the C# baseline of measurement 3.
//
// It does what the original design does on every primitive call: re-read the whole
// 15-byte hook through a MemoryMappedViewAccessor (version, file number, capacity and the
// three flags) to wait for control, spinning at 100% of a core while blocked, then read or
// write the value through another accessor. It plays the Unity role, as the original C#
// package does, and answers the counter protocol of peers/README.md.
//
//   mcs -optimize+ -target:exe -r:System.Core.dll -out:OriginalPeer.exe OriginalPeer.cs
//   TMPDIR=... mono OriginalPeer.exe --prefix P
using System;
using System.Diagnostics;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace PusmBench
{
    internal sealed class OriginalStyleMemory : IDisposable
    {
        private const int HookSize = 15;
        private const int OwnFlag = 13;  // Unity
        private const int PeerFlag = 12; // Python

        private readonly string _directory;
        private readonly string _prefix;
        private readonly long _timeoutTicks;
        private MemoryMappedFile _hookFile;
        private MemoryMappedViewAccessor _hook;
        private MemoryMappedFile _dataFile;
        private MemoryMappedViewAccessor _data;
        private int _fileNumber;

        public OriginalStyleMemory(string prefix, float timeoutSeconds)
        {
            _prefix = prefix;
            _timeoutTicks = (long)(timeoutSeconds * Stopwatch.Frequency);
            _directory = Path.Combine(Path.GetTempPath(), "python_unity_shared_memory");
            string hookPath = Path.Combine(_directory, prefix);
            var waited = Stopwatch.StartNew();
            while (!File.Exists(hookPath))
            {
                if (waited.ElapsedTicks > _timeoutTicks) throw new TimeoutException("no hook file " + hookPath);
                Thread.Sleep(1);
            }
            _hookFile = Map(hookPath, HookSize, out _hook);
            _fileNumber = _hook.ReadInt32(4);
            _dataFile = Map(DataPath(_fileNumber), _hook.ReadInt32(8), out _data);
        }

        private string DataPath(int fileNumber)
        {
            return Path.Combine(_directory, _prefix + new string('_', fileNumber));
        }

        private static MemoryMappedFile Map(string path, long size, out MemoryMappedViewAccessor view)
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            var file = MemoryMappedFile.CreateFromFile(stream, null, size, MemoryMappedFileAccess.ReadWrite,
                                                       null, HandleInheritability.None, false);
            view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
            return file;
        }

        public void WaitUnblocked()
        {
            long start = 0;
            int spins = 0;
            while (true)
            {
                int version = _hook.ReadInt32(0);
                int fileNumber = _hook.ReadInt32(4);
                int capacity = _hook.ReadInt32(8);
                bool pythonActive = _hook.ReadBoolean(12);
                bool unityActive = _hook.ReadBoolean(13);
                bool closed = _hook.ReadBoolean(14);
                if (version != 1) throw new IOException("unknown protocol version " + version);
                if (unityActive)
                {
                    if (fileNumber != _fileNumber)
                    {
                        _data.Dispose();
                        _dataFile.Dispose();
                        _dataFile = Map(DataPath(fileNumber), capacity, out _data);
                        _fileNumber = fileNumber;
                    }
                    return;
                }
                if (closed && !pythonActive) throw new IOException("peer closed");
                if (start == 0) start = Stopwatch.GetTimestamp();
                if (++spins % 1024 == 0 && Stopwatch.GetTimestamp() - start > _timeoutTicks)
                    throw new TimeoutException("timed out waiting for control");
            }
        }

        public void GiveControl(bool wait = true)
        {
            WaitUnblocked();
            _hook.Write(OwnFlag, (byte)0);
            _hook.Write(PeerFlag, (byte)1);
            if (wait) WaitUnblocked();
        }

        public (int, int) ReadInt32(int offset)
        {
            WaitUnblocked();
            return (_data.ReadInt32(offset), offset + 4);
        }

        public int WriteInt32(int offset, int value)
        {
            WaitUnblocked();
            _data.Write(offset, value);
            return offset + 4;
        }

        public void Dispose()
        {
            _data.Dispose();
            _dataFile.Dispose();
            _hook.Dispose();
            _hookFile.Dispose();
        }
    }

    internal static class OriginalPeer
    {
        private static int Main(string[] args)
        {
            if (args.Length != 2 || args[0] != "--prefix")
            {
                Console.Error.WriteLine("usage: OriginalPeer.exe --prefix P");
                return 2;
            }
            try
            {
                using (var sm = new OriginalStyleMemory(args[1], 30f))
                {
                    while (true)
                    {
                        int value = sm.ReadInt32(0).Item1;
                        if (value < 0) return 0;
                        sm.WriteInt32(0, value + 1);
                        sm.GiveControl();
                    }
                }
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("OriginalPeer: " + e.Message);
                return 1;
            }
        }
    }
}
