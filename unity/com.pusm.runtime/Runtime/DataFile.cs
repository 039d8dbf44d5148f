using System;
using System.Runtime.InteropServices;
using System.Text;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// The mapped current data file (<c>prefix</c> + N underscores) and the original package's five
    /// primitives on it (PROTOCOL.md section 7), bounds-checked and little-endian. Callers
    /// make sure the side holds control and the instance is open.
    /// </summary>
    internal sealed unsafe class DataFile
    {
        /// <summary>UTF-8 without BOM that throws on invalid bytes (the default decoder would replace them).</summary>
        private static readonly UTF8Encoding s_utf8 = new UTF8Encoding(false, true);

        internal readonly string Prefix;
        internal readonly int FileNumber;
        internal readonly int Capacity;
        private readonly MappedFile _map;

        internal DataFile(string prefix, int fileNumber, MappedFile map)
        {
            Prefix = prefix;
            FileNumber = fileNumber;
            Capacity = map.Length;
            _map = map;
        }

        internal string Path { get { return _map.File.Path; } }

        internal byte* Pointer { get { return _map.Pointer; } }

        internal void Release()
        {
            _map.Release();
        }

        private byte* At(int offset, long length)
        {
            if (offset < 0 || length < 0 || (long)offset + length > Capacity)
                throw new OutOfBoundsException(Prefix, offset, length, Capacity);
            return _map.Pointer + offset;
        }

        internal (bool, int) ReadBool(int offset)
        {
            byte* p = At(offset, 1);
            return (*p != 0, offset + 1);
        }

        internal (int, int) ReadInt32(int offset)
        {
            byte* p = At(offset, 4);
            return (LittleEndian.Get(p), offset + 4);
        }

        internal (float, int) ReadFloat32(int offset)
        {
            byte* p = At(offset, 4);
            int bits = LittleEndian.Get(p);
            return (*(float*)&bits, offset + 4);
        }

        internal (string, int) ReadString(int offset)
        {
            byte* p = At(offset, 4);
            int length = LittleEndian.Get(p);
            if (length < 0 || (long)offset + 4 + length > Capacity)
                throw new InvalidLengthException(Prefix, offset, length, Capacity);
            string value;
            try
            {
                value = length == 0 ? string.Empty : s_utf8.GetString(p + 4, length);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidUtf8Exception(Prefix, offset, "the " + length + " bytes after the length are not valid UTF-8", e);
            }
            catch (ArgumentException e)
            {
                throw new InvalidUtf8Exception(Prefix, offset, "the " + length + " bytes after the length are not valid UTF-8", e);
            }
            return (value, offset + 4 + length);
        }

        internal (byte[], int) ReadBytes(int offset, int length)
        {
            byte* p = At(offset, length);
            var bytes = new byte[length];
            if (length > 0) Marshal.Copy((IntPtr)p, bytes, 0, length);
            return (bytes, offset + length);
        }

        internal int WriteBool(int offset, bool value)
        {
            byte* p = At(offset, 1);
            *p = value ? (byte)1 : (byte)0;
            return offset + 1;
        }

        internal int WriteInt32(int offset, int value)
        {
            byte* p = At(offset, 4);
            LittleEndian.Put(p, value);
            return offset + 4;
        }

        internal int WriteFloat32(int offset, float value)
        {
            byte* p = At(offset, 4);
            LittleEndian.Put(p, *(int*)&value);
            return offset + 4;
        }

        internal int WriteString(int offset, string value)
        {
            if (value == null) throw new ArgumentNullException("value");
            byte[] bytes;
            try
            {
                bytes = s_utf8.GetBytes(value);
            }
            catch (EncoderFallbackException e)
            {
                throw new InvalidUtf8Exception(Prefix, offset, "the string contains a lone surrogate and cannot be encoded as UTF-8", e);
            }
            byte* p = At(offset, 4L + bytes.Length); // check the whole string before writing anything
            LittleEndian.Put(p, bytes.Length);
            if (bytes.Length > 0) Marshal.Copy(bytes, 0, (IntPtr)(p + 4), bytes.Length);
            return offset + 4 + bytes.Length;
        }

        internal int WriteBytes(int offset, byte[] data)
        {
            if (data == null) throw new ArgumentNullException("data");
            byte* p = At(offset, data.Length);
            if (data.Length > 0) Marshal.Copy(data, 0, (IntPtr)p, data.Length);
            return offset + data.Length;
        }

        /// <summary>Copies this file's whole contents to the start of <paramref name="target"/>.</summary>
        internal void CopyTo(DataFile target)
        {
            long count = Math.Min(Capacity, target.Capacity);
            Buffer.MemoryCopy(_map.Pointer, target._map.Pointer, target.Capacity, count);
        }
    }
}
