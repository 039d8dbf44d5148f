using System;
using System.Threading;

namespace PythonUnitySharedMemory
{
    /// <summary>The 15-byte hook file (PROTOCOL.md section 2), little-endian.</summary>
    internal static class HookLayout
    {
        internal const int Size = 15;
        internal const int Version = 1;
        internal const int VersionOffset = 0;
        internal const int FileNumberOffset = 4;
        internal const int CapacityOffset = 8;
        internal const int PythonFlagOffset = 12;
        internal const int UnityFlagOffset = 13;
        internal const int ClosedFlagOffset = 14;

        /// <summary>The bytes a creator writes: version, file number 1, capacity, own flag set.</summary>
        internal static byte[] Initial(int version, int capacity, Role creator)
        {
            var bytes = new byte[Size];
            LittleEndian.Put(bytes, VersionOffset, version);
            LittleEndian.Put(bytes, FileNumberOffset, 1);
            LittleEndian.Put(bytes, CapacityOffset, capacity);
            bytes[Roles.FlagOffset(creator)] = 1;
            return bytes;
        }
    }

    /// <summary>
    /// Typed access to a mapped hook. Flags are read with acquire and written with release
    /// semantics (Volatile), so everything written to the data file before giving control is
    /// visible to the peer once it sees its flag.
    /// </summary>
    internal sealed unsafe class HookView
    {
        private readonly byte* _p;

        internal HookView(byte* pointer)
        {
            _p = pointer;
        }

        internal int ReadVersion() { return ReadInt(HookLayout.VersionOffset); }
        internal int ReadFileNumber() { return ReadInt(HookLayout.FileNumberOffset); }
        internal int ReadCapacity() { return ReadInt(HookLayout.CapacityOffset); }
        internal void WriteVersion(int value) { WriteInt(HookLayout.VersionOffset, value); }
        internal void WriteFileNumber(int value) { WriteInt(HookLayout.FileNumberOffset, value); }
        internal void WriteCapacity(int value) { WriteInt(HookLayout.CapacityOffset, value); }

        internal bool ReadFlag(int offset)
        {
            return Volatile.Read(ref _p[offset]) != 0;
        }

        internal void WriteFlag(int offset, bool value)
        {
            Volatile.Write(ref _p[offset], value ? (byte)1 : (byte)0);
        }

        private int ReadInt(int offset)
        {
            // The mapping is page aligned and the int fields are at multiples of 4.
            return LittleEndian.FromLittle(Volatile.Read(ref *(int*)(_p + offset)));
        }

        private void WriteInt(int offset, int value)
        {
            Volatile.Write(ref *(int*)(_p + offset), LittleEndian.FromLittle(value));
        }
    }

    internal static unsafe class LittleEndian
    {
        /// <summary>Converts between little-endian and host order (a no-op on every platform Unity runs on).</summary>
        internal static int FromLittle(int value)
        {
            if (BitConverter.IsLittleEndian) return value;
            uint v = (uint)value;
            return (int)((v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24));
        }

        internal static int Get(byte* p)
        {
            return p[0] | (p[1] << 8) | (p[2] << 16) | (p[3] << 24);
        }

        internal static void Put(byte* p, int value)
        {
            p[0] = (byte)value;
            p[1] = (byte)(value >> 8);
            p[2] = (byte)(value >> 16);
            p[3] = (byte)(value >> 24);
        }

        internal static int Get(byte[] bytes, int offset)
        {
            return bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
        }

        internal static void Put(byte[] bytes, int offset, int value)
        {
            bytes[offset] = (byte)value;
            bytes[offset + 1] = (byte)(value >> 8);
            bytes[offset + 2] = (byte)(value >> 16);
            bytes[offset + 3] = (byte)(value >> 24);
        }
    }
}
