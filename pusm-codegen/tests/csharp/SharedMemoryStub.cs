// A test-only stand-in for the original package's PythonUnitySharedMemory.SharedMemory: the
// same constructor and primitive method signatures, over an in-memory byte array,
// so generated code can be compiled and run without the real runtime.
// ReadString/WriteString exist (the original package has them) but throw: generated code must
// encode strings itself, as UTF-8 through ReadBytes/WriteBytes.

using System;

namespace PythonUnitySharedMemory
{
    public class SharedMemory
    {
        private byte[] _data;

        public SharedMemory(string prefix, int capacity, bool createNew, float timeout)
        {
            _data = new byte[capacity];
        }

        public int Capacity { get { return _data.Length; } }

        private void Check(int offset, int length)
        {
            if (offset < 0 || length < 0 || offset > _data.Length - length)
            {
                throw new IndexOutOfRangeException(length + " bytes at offset " + offset + " cross the end (" + _data.Length + ")");
            }
        }

        public (bool, int) ReadBool(int offset)
        {
            Check(offset, 1);
            return (_data[offset] != 0, offset + 1);
        }

        public (int, int) ReadInt32(int offset)
        {
            Check(offset, 4);
            return (BitConverter.ToInt32(_data, offset), offset + 4);
        }

        public (float, int) ReadFloat32(int offset)
        {
            Check(offset, 4);
            return (BitConverter.ToSingle(_data, offset), offset + 4);
        }

        public (string, int) ReadString(int offset)
        {
            throw new NotSupportedException("generated code must not call ReadString");
        }

        public (byte[], int) ReadBytes(int offset, int length)
        {
            Check(offset, length);
            var bytes = new byte[length];
            Array.Copy(_data, offset, bytes, 0, length);
            return (bytes, offset + length);
        }

        public int WriteBool(int offset, bool value)
        {
            Check(offset, 1);
            _data[offset] = (byte)(value ? 1 : 0);
            return offset + 1;
        }

        public int WriteInt32(int offset, int value)
        {
            return WriteBytes(offset, BitConverter.GetBytes(value));
        }

        public int WriteFloat32(int offset, float value)
        {
            return WriteBytes(offset, BitConverter.GetBytes(value));
        }

        public int WriteString(int offset, string value)
        {
            throw new NotSupportedException("generated code must not call WriteString");
        }

        public int WriteBytes(int offset, byte[] data)
        {
            Check(offset, data.Length);
            Array.Copy(data, 0, _data, offset, data.Length);
            return offset + data.Length;
        }

        public void Delete()
        {
        }
    }
}
