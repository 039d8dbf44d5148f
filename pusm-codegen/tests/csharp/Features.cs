// Runs the C# features of issues 12 and 16 against generated code from
// features.pusm: EncodedLength, check-first writes, ReadInto reuse and zero
// allocation, SchemaMismatchException, names that are contextual keywords,
// partial classes. Compiled once as is and once with -define:UNITY against
// code generated with unity_types (Vector3/Quaternion from a stand-in
// UnityEngine assembly); both print the bytes of the same sample on a BYTES
// line, which the Rust test compares.
//
// Usage: mono Features.exe. Prints "N passed, 0 failed"; any failure throws.

using System;
using System.Collections.Generic;
using System.Linq;
using Features;
using PythonUnitySharedMemory;

public static class FeaturesDriver
{
    private static int _passed;

    private static void Assert(bool condition, string message)
    {
        if (!condition) throw new Exception("assertion failed: " + message);
    }

    private static SharedMemory NewMemory(int capacity)
    {
        return new SharedMemory("pusm-features-" + Guid.NewGuid().ToString("N"), capacity, true, 5f);
    }

    private static byte[] Bytes(SharedMemory sm, int offset, int end)
    {
        return sm.ReadBytes(offset, end - offset).Item1;
    }

#if UNITY
    private static UnityEngine.Vector3 V(float x, float y, float z) { return new UnityEngine.Vector3(x, y, z); }
    private static UnityEngine.Quaternion Q(float x, float y, float z, float w) { return new UnityEngine.Quaternion(x, y, z, w); }
#else
    private static Vec3 V(float x, float y, float z) { return new Vec3(x, y, z); }
    private static Quat Q(float x, float y, float z, float w) { return new Quat(x, y, z, w); }
#endif

    private static Sample MakeSample(int step, int rays)
    {
        var sample = new Sample();
        sample.Step = step;
        sample.Mode = Mode.On;
        sample.Pose = V(1, 2, 3);
        sample.Rotation = Q(0, 0, 0, 1);
        for (int i = 0; i < rays; i++) sample.Rays.Add(0.5f + i);
        sample.Hits.Add(V(4, 5, 6));
        sample.Hits.Add(V(7, 8, 9));
        sample.Grid[0][1] = 3.5f;
        sample.Grid[1][0] = -1f;
        sample.Target = V(10, 11, 12);
        sample.Label = "h\u00e9llo";
        sample.Tags.Add("a");
        sample.Tags.Add("");
        sample.Blob = new byte[] { 1, 2, 3, 4, 5 };
        sample.Matrix.Add(new List<int> { 1, 2 });
        sample.Matrix.Add(new List<int>());
        sample.Dt = 0.25f;
        return sample;
    }

    public static void Main()
    {
        var sm = NewMemory(1 << 16);
        try
        {
            LengthAndRoundTrip(sm);
            ReadIntoReuses(sm);
            SteadyStateAllocatesNothing(sm);
            Mismatch(sm);
            ContextualNames(sm);
            FillMatchesReadBytes(sm);
            CorruptCounts(sm);
            Assert(MakeSample(1, 3).RayTotal() == 4.5f, "the partial file's method");
            _passed++;
        }
        finally
        {
            sm.Delete();
        }
        FailedWritesWriteNothing();
        Console.WriteLine(_passed + " passed, 0 failed");
    }

    private static void LengthAndRoundTrip(SharedMemory sm)
    {
        foreach (var sample in new[] { new Sample(), MakeSample(7, 3), MakeSample(8, 0) })
        {
            int end = sample.Write(sm, 5);
            Assert(end - 5 == sample.EncodedLength(), "EncodedLength " + sample.EncodedLength() + " != " + (end - 5));
            var first = Bytes(sm, 5, end);
            var (back, backEnd) = Sample.Read(sm, 5);
            Assert(backEnd == end, "Read end");
            Assert(back.Write(sm, 5) == end && Bytes(sm, 5, end).SequenceEqual(first), "Read round trip");
            var into = new Sample();
            Assert(into.ReadInto(sm, 5) == end, "ReadInto end");
            Assert(into.Write(sm, 5) == end && Bytes(sm, 5, end).SequenceEqual(first), "ReadInto round trip");
            int checkedEnd = sample.WriteChecked(sm, 0);
            Assert(checkedEnd == 4 + sample.EncodedLength(), "WriteChecked length");
            Assert(Sample.ReadChecked(sm, 0).Item2 == checkedEnd, "ReadChecked end");
            Assert(into.ReadCheckedInto(sm, 0) == checkedEnd, "ReadCheckedInto end");
        }
        var sampleBytes = MakeSample(7, 3);
        int sampleEnd = sampleBytes.Write(sm, 0);
        Console.WriteLine("BYTES " + BitConverter.ToString(Bytes(sm, 0, sampleEnd)).Replace("-", ""));
        _passed++;
    }

    private static void ReadIntoReuses(SharedMemory sm)
    {
        var into = new Sample();
        MakeSample(1, 5).Write(sm, 0);
        into.ReadInto(sm, 0);
        var rays = into.Rays;
        var hits = into.Hits;
        var blob = into.Blob;
        var label = into.Label;
        var matrix0 = into.Matrix[0];
        Assert(rays.Count == 5 && into.Step == 1 && into.Dt == 0.25f, "ReadInto values");
        MakeSample(2, 2).Write(sm, 0);
        into.ReadInto(sm, 0);
        Assert(ReferenceEquals(into.Rays, rays) && ReferenceEquals(into.Hits, hits), "lists are reused");
        Assert(ReferenceEquals(into.Blob, blob) && ReferenceEquals(into.Label, label), "same-length bytes and same strings are reused");
        Assert(ReferenceEquals(into.Matrix[0], matrix0), "nested lists are reused");
        Assert(rays.Count == 2 && into.Step == 2, "a shorter list shrinks");
        var changed = MakeSample(3, 2);
        changed.Label = "other";
        changed.Target = null;
        changed.Dt = null;
        changed.Write(sm, 0);
        into.ReadInto(sm, 0);
        Assert(into.Label == "other" && into.Target == null && into.Dt == null, "changed values replace old ones");
        _passed++;
    }

    private static void SteadyStateAllocatesNothing(SharedMemory sm)
    {
        var sent = MakeSample(0, 16);
        var received = new Sample();
        for (int i = 0; i < 3; i++)
        {
            sent.Write(sm, 0);
            received.ReadInto(sm, 0);
        }
        const int steps = 1000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++)
        {
            sent.Step = i;
            sent.Write(sm, 0);
            received.ReadInto(sm, 0);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert(received.Step == steps - 1, "the last step was read");
        Assert(allocated == 0, "Write + ReadInto allocated " + allocated + " bytes in " + steps + " steps");
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++)
        {
            Sample.Read(sm, 0);
        }
        long readBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine("ALLOCATED per step: Write+ReadInto 0 bytes, Read " + (readBytes / steps) + " bytes");
        _passed++;
    }

    private static void Mismatch(SharedMemory sm)
    {
        new Contextual().WriteChecked(sm, 0);
        try
        {
            Sample.ReadChecked(sm, 0);
            throw new Exception("expected a SchemaMismatchException");
        }
        catch (SchemaMismatchException error)
        {
            Assert(error.Expected == Sample.Fingerprint && error.Found == Contextual.Fingerprint, "mismatch fingerprints");
            Assert(error.TypeName == "Sample" && error.Message.Contains("schema mismatch"), error.Message);
        }
        try
        {
            new Sample().ReadCheckedInto(sm, 0);
            throw new Exception("expected a SchemaMismatchException");
        }
        catch (SchemaMismatchException)
        {
        }
        _passed++;
    }

    private static void ContextualNames(SharedMemory sm)
    {
        var value = new Contextual();
        value.Await = 1;
        value.Async = true;
        value.Var = 2.5f;
        value.Dynamic = "dyn";
        value.Yield.Add(3);
        value.Value = 4;
        value.Global = 5;
        value.ToString_ = 6;
        value.EncodedLength_ = 7;
        value.ReadInto_ = 8;
        value.Offset = 9;
        value.Buffer.Add(10);
        value.Length = "len";
        value.List.Add("l");
        value.I.Add(11);
        value.Array[1] = 12;
        value.Keep.Add(new Contextual().Keep.Count == 0 ? V(1, 1, 1) : V(0, 0, 0));
        int end = value.Write(sm, 0);
        var (back, backEnd) = Features.Contextual.Read(sm, 0);
        Assert(backEnd == end && back.Await == 1 && back.Async && back.Var == 2.5f && back.Dynamic == "dyn", "contextual keywords");
        Assert(back.Yield[0] == 3 && back.Value == 4 && back.Global == 5 && back.ToString_ == 6, "contextual keywords");
        Assert(back.EncodedLength_ == 7 && back.ReadInto_ == 8 && back.Offset == 9 && back.Buffer[0] == 10, "generated names");
        Assert(back.Length == "len" && back.List[0] == "l" && back.I[0] == 11 && back.Array[1] == 12, "generated names");
        Assert(back.Keep.Count == 1, "generated names");
        _passed++;
    }

    private static void FillMatchesReadBytes(SharedMemory sm)
    {
        // The pooled read path builds runs from ReadInt32 (overlapping at the tail) and
        // ReadBool: every length at every alignment, near the start of the memory too.
        var pattern = Enumerable.Range(0, 64).Select(i => (byte)(i * 37 + 11)).ToArray();
        sm.WriteBytes(0, pattern);
        for (int offset = 0; offset < 9; offset++)
        {
            for (int length = 0; length < 14; length++)
            {
                var into = new byte[length];
                FeaturesWire.Fill(sm, offset, into, length);
                Assert(into.SequenceEqual(pattern.Skip(offset).Take(length)), "Fill " + offset + " " + length);
                var fetched = FeaturesWire.Fetch(sm, offset, length, true);
                Assert(fetched.Take(length).SequenceEqual(pattern.Skip(offset).Take(length)), "Fetch " + offset + " " + length);
            }
        }
        _passed++;
    }

    private static void CorruptCounts(SharedMemory sm)
    {
        // Sample.Rays' count is at offset 36 (step, mode, pose, rotation before it).
        foreach (var pooled in new[] { false, true })
        {
            MakeSample(1, 3).Write(sm, 0);
            sm.WriteInt32(36, int.MaxValue);
            try
            {
                if (pooled) new Sample().ReadInto(sm, 0); else Sample.Read(sm, 0);
                throw new Exception("expected an InvalidDataException");
            }
            catch (System.IO.InvalidDataException error)
            {
                Assert(error.Message.Contains("Sample.Rays") && error.Message.Contains("offset 36"), error.Message);
            }
            // A count whose bytes would pass the end: fails on the bytes, before any allocation for them.
            sm.WriteInt32(36, 1 << 28);
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool threw = false;
            try
            {
                if (pooled) new Sample().ReadInto(sm, 0); else Sample.Read(sm, 0);
            }
            catch (OutOfMemoryException)
            {
                throw;
            }
            catch (Exception)
            {
                threw = true;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert(threw && allocated < (1 << 20), "a corrupted count allocated " + allocated + " bytes");
        }
        _passed++;
    }

    private static void FailedWritesWriteNothing()
    {
        var sample = MakeSample(1, 4);
        int length = sample.EncodedLength();
        var sm = NewMemory(length + 10);
        try
        {
            var pattern = Enumerable.Range(0, length + 10).Select(i => (byte)(i * 7 + 1)).ToArray();
            sm.WriteBytes(0, pattern);
            Assert(sample.Write(sm, 10) == length + 10, "an exact fit is written");
            sm.WriteBytes(0, pattern);
            foreach (var offset in new[] { 11, length })
            {
                bool threw = false;
                try { sample.Write(sm, offset); }
                catch (Exception) { threw = true; }
                Assert(threw, "a write past the end throws");
                Assert(Bytes(sm, 0, length + 10).SequenceEqual(pattern), "a write past the end leaves the memory unchanged");
            }
            sample.Tags.Add(null);
            bool nullThrew = false;
            try { sample.Write(sm, 0); }
            catch (ArgumentNullException) { nullThrew = true; }
            Assert(nullThrew && Bytes(sm, 0, length + 10).SequenceEqual(pattern), "a null field writes nothing");
            sample.Tags.RemoveAt(sample.Tags.Count - 1);
            sample.Grid[1] = new float[3];
            bool lengthThrew = false;
            try { sample.Write(sm, 0); }
            catch (ArgumentException) { lengthThrew = true; }
            Assert(lengthThrew && Bytes(sm, 0, length + 10).SequenceEqual(pattern), "a wrong-length array writes nothing");
        }
        finally
        {
            sm.Delete();
        }
        _passed++;
    }
}
