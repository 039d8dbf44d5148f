using System;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// A read-write shared mapping of the first <see cref="Length"/> bytes of a file, as a raw
    /// pointer. <see cref="Release"/> is idempotent and never throws. Mappings have no finalizer
    /// of their own: <see cref="SharedMemory"/>'s finalizer releases them in the right order
    /// (closed flag first, then unmap).
    /// </summary>
    internal abstract unsafe class MappedFile
    {
        internal readonly OsFile File;
        internal readonly int Length;
        private byte* _pointer;
        private int _released;

        protected MappedFile(OsFile file, byte* pointer, int length)
        {
            File = file;
            _pointer = pointer;
            Length = length;
        }

        internal byte* Pointer { get { return _pointer; } }

        internal void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            _pointer = null;
            try { Unmap(); }
            catch (Exception) { }
            try { File.Dispose(); }
            catch (Exception) { }
        }

        protected abstract void Unmap();
    }

    internal sealed unsafe class PosixMappedFile : MappedFile
    {
        private readonly IntPtr _address;

        internal PosixMappedFile(OsFile file, byte* pointer, int length) : base(file, pointer, length)
        {
            _address = (IntPtr)pointer;
        }

        protected override void Unmap()
        {
            LinuxLibc.munmap(_address, (UIntPtr)(uint)Length);
        }
    }

    /// <summary>
    /// The pointer is acquired exactly once here and released exactly once in <see cref="Unmap"/>
    /// (the original package released a pointer it never acquired, which crashed Mono's finalizer).
    /// Holding the acquired reference also keeps the view alive until we release it, even if the
    /// view's own SafeHandle is finalized first.
    /// </summary>
    internal sealed unsafe class ManagedMappedFile : MappedFile
    {
        private readonly MemoryMappedFile _mmf;
        private readonly MemoryMappedViewAccessor _view;

        internal ManagedMappedFile(OsFile file, MemoryMappedFile mmf, MemoryMappedViewAccessor view, int length)
            : base(file, Acquire(view), length)
        {
            _mmf = mmf;
            _view = view;
        }

        private static byte* Acquire(MemoryMappedViewAccessor view)
        {
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            return p + view.PointerOffset;
        }

        protected override void Unmap()
        {
            try { _view.SafeMemoryMappedViewHandle.ReleasePointer(); }
            catch (Exception) { }
            try { _view.Dispose(); }
            catch (Exception) { }
            try { _mmf.Dispose(); }
            catch (Exception) { }
        }
    }
}
