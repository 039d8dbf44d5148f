using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// One side of a conversation over a shared memory (PROTOCOL.md, wire protocol v1): a
    /// 15-byte hook file and a data file in &lt;temp&gt;/python_unity_shared_memory/. The two
    /// sides take turns; every read and write first waits until this side holds control.
    /// Drop-in replacement for the original package's class of the same name.
    /// </summary>
    /// <remarks>
    /// An instance is meant to be used from one thread at a time. <see cref="Close"/> (and
    /// <see cref="Delete"/>, <see cref="Dispose"/>, the finalizer) may be called from any thread,
    /// any number of times: a call in progress on another thread then fails with
    /// <see cref="ObjectDisposedException"/> instead of touching unmapped memory.
    /// </remarks>
    public unsafe class SharedMemory : IDisposable
    {
        private const int ClosingBit = 1 << 30;
        private const int MaxDataWaitMillis = 5000;
        /// <summary>How long a hook may stay at version 0 (its creator at work) before it is corrupt.</summary>
        private const int CreatorGraceMillis = 2000;

        private readonly string _prefix;
        private readonly string _directory;
        private readonly Role _role;
        private readonly Role _peerRole;
        private readonly int _ownFlag;
        private readonly int _peerFlag;
        private readonly WaitStrategy _waitStrategy;
        private readonly float _timeout;
        private readonly long _timeoutTicks;

        private MappedFile _hookMap;
        private HookView _hook;
        private FutexWord _futex;
        private int _futexWakeups;
        // The data file the peer knows about: the one in use when this side last got or gave
        // control. Files this side created after it (in the same turn) are only known here.
        private int _peerKnownFileNumber;
        private DataFile _data;
        private PeerLiveness _liveness;
        private int _capacity;
        private int _fileNumber;

        // Number of calls in progress, plus ClosingBit once Close was asked for. The mappings
        // are released by whoever brings it down to exactly ClosingBit.
        private int _state;
        private int _released;
        private volatile bool _deleteOnRelease;

        /// <summary>The original package's constructor: plays the <see cref="PythonUnitySharedMemory.Role.Unity"/> role,
        /// waits adaptively, never replaces stale files.</summary>
        /// <param name="prefix">Name of the shared memory; both sides must use the same.</param>
        /// <param name="capacity">Size of the data file in bytes when creating (ignored when joining: the hook says it).</param>
        /// <param name="createNew">True to create the files (this side holds control first), false to join.</param>
        /// <param name="timeout">Seconds to wait for the peer (and, when joining, for the files to appear); 0 or less means forever.</param>
        public SharedMemory(string prefix, int capacity, bool createNew, float timeout)
            : this(prefix, capacity, createNew, timeout, Role.Unity, WaitStrategy.Adaptive, false)
        {
        }

        /// <summary>Opens one side of a shared memory.</summary>
        /// <param name="prefix">Name of the shared memory; both sides must use the same.</param>
        /// <param name="capacity">Size of the data file in bytes when creating (ignored when joining: the hook says it).</param>
        /// <param name="createNew">True to create the files (this side holds control first), false to join.</param>
        /// <param name="timeout">Seconds to wait for the peer (and, when joining, for the files to appear); 0 or less means forever.</param>
        /// <param name="role">Which side this is: Unity (flag at hook offset 13, the original C# package's) or Python (offset 12).</param>
        /// <param name="waitStrategy">How to wait for the turn: Adaptive (spin, then yield, then sleep) or Spin.</param>
        /// <param name="replaceStale">When creating: replace files left by processes that are no longer alive instead of failing.</param>
        public SharedMemory(string prefix, int capacity, bool createNew, float timeout,
                            Role role = Role.Unity, WaitStrategy waitStrategy = WaitStrategy.Adaptive, bool replaceStale = false)
        {
            SharedFiles.ValidatePrefix(prefix);
            _ownFlag = Roles.FlagOffset(role);
            if (waitStrategy != WaitStrategy.Adaptive && waitStrategy != WaitStrategy.Spin)
                throw new ArgumentOutOfRangeException("waitStrategy", waitStrategy, "Unknown wait strategy");
            _prefix = prefix;
            _role = role;
            _peerRole = Roles.Peer(role);
            _peerFlag = Roles.FlagOffset(_peerRole);
            _waitStrategy = waitStrategy;
            _timeout = timeout;
            _timeoutTicks = Clock.TimeoutTicks(timeout);
            _directory = SharedFiles.DirectoryPath;

            try
            {
                SharedFiles.EnsureDirectory(prefix, _directory);
                if (createNew) Create(capacity, replaceStale);
                else Join();
            }
            catch
            {
                Volatile.Write(ref _state, ClosingBit);
                ReleaseResources();
                throw;
            }
            WaitUnblocked();
        }

        /// <summary>The name of the shared memory.</summary>
        public string Prefix { get { return _prefix; } }

        /// <summary>The current capacity of the data file in bytes (it grows when either side resizes).</summary>
        public int Capacity { get { return _capacity; } }

        /// <summary>The role this side plays.</summary>
        public Role Role { get { return _role; } }

        /// <summary>How this side waits for its turn.</summary>
        public WaitStrategy WaitStrategy { get { return _waitStrategy; } }

        /// <summary>The timeout in seconds given at construction (0 or less: none).</summary>
        public float Timeout { get { return _timeout; } }

        /// <summary>True while the peer holds control (this side's flag is 0).</summary>
        public bool Blocked
        {
            get
            {
                Enter();
                try { return !_hook.ReadFlag(_ownFlag); }
                finally { Exit(); }
            }
        }

        private string HookPath { get { return Path.Combine(_directory, _prefix); } }

        private string DataPath(int fileNumber)
        {
            return Path.Combine(_directory, SharedFiles.DataFileName(_prefix, fileNumber));
        }

        // ------------------------------------------------------------------ opening

        private void Create(int capacity, bool replaceStale)
        {
            if (capacity <= 0) throw new InvalidCapacityException(_prefix, capacity);
            string hookPath = HookPath;
            OsFile hook = OsFile.CreateExclusive(_prefix, hookPath);
            if (hook == null)
            {
                if (!replaceStale)
                    throw new AlreadyExistsException(_prefix, hookPath,
                        "(join it with createNew: false, pass replaceStale: true to replace files left by a dead process, or call SharedMemory.DeleteFiles)");
                StaleConversation.RemoveHook(_prefix, hookPath);
                hook = OsFile.CreateExclusive(_prefix, hookPath);
                if (hook == null)
                    throw new AlreadyExistsException(_prefix, hookPath, "(another process created it again while stale files were being replaced)");
            }

            StatInfo? hookId = null;
            string dataPath = DataPath(1);
            bool createdData = false;
            MappedFile hookMap = null;
            DataFile data = null;
            try
            {
                hookId = StaleConversation.Identity(hook);
                LockState own = hook.TryLockByte(_ownFlag);
                if (own == LockState.Unlocked) throw new RoleTakenException(_prefix, _role);
                // Version 0 until everything exists: joiners wait for a non-zero version.
                hook.WriteAtStart(HookLayout.Initial(0, capacity, _role));
                if (replaceStale)
                {
                    // Only the creator of the new hook removes leftover data files: any other
                    // process replacing stale files now sees a live (or being-created) hook.
                    foreach (string leftover in SharedFiles.ConversationFiles(_directory, _prefix, false))
                        SharedFiles.DeleteQuietly(leftover);
                }
                OsFile file = OsFile.CreateExclusive(_prefix, dataPath);
                if (file == null)
                    throw new AlreadyExistsException(_prefix, dataPath,
                        "(a data file left by an earlier conversation: pass replaceStale: true or call SharedMemory.DeleteFiles)");
                createdData = true;
                try
                {
                    file.SetLength(capacity);
                    data = new DataFile(_prefix, 1, file.Map(capacity));
                }
                catch
                {
                    file.Dispose();
                    throw;
                }
                hookMap = hook.Map(HookLayout.Size);
                var view = new HookView(hookMap.Pointer);
                view.WriteVersion(HookLayout.Version);

                _hookMap = hookMap;
                _hook = view;
                _data = data;
                _capacity = capacity;
                _fileNumber = 1;
                _peerKnownFileNumber = 1;
                _futex = FutexWord.For(hookMap);
                if (own == LockState.Locked)
                {
                    _liveness = new PeerLiveness(hookMap.File, _peerRole);
                    _liveness.ProbeNow();
                }
            }
            catch
            {
                _hookMap = null;
                _hook = null;
                _data = null;
                if (data != null) data.Release();
                if (hookMap != null) hookMap.Release();
                else hook.Dispose();
                if (createdData) SharedFiles.DeleteQuietly(dataPath);
                StaleConversation.DeleteIfSame(hookPath, hookId);
                throw;
            }
        }

        private void Join()
        {
            string hookPath = HookPath;
            long start = Stopwatch.GetTimestamp();
            long shortSince = -1;
            long zeroSince = -1;
            string pending = null;
            int poll = 1;
            OsFile hook;
            while (true)
            {
                hook = OsFile.OpenExisting(_prefix, hookPath);
                if (hook != null)
                {
                    bool ready = false;
                    try
                    {
                        long length = hook.Length;
                        if (length >= HookLayout.Size)
                        {
                            var bytes = new byte[HookLayout.Size];
                            hook.ReadFromStart(bytes);
                            int version = LittleEndian.Get(bytes, HookLayout.VersionOffset);
                            if (version == HookLayout.Version) ready = true;
                            else if (version != 0) throw new VersionMismatchException(_prefix, version, HookLayout.Version);
                            else
                            {
                                pending = "the version is still 0: its creator never finished writing it";
                                if (zeroSince < 0) zeroSince = Stopwatch.GetTimestamp();
                                else if (Clock.MillisSince(zeroSince) >= CreatorGraceMillis) throw new CorruptHookException(_prefix, hookPath, pending);
                            }
                            shortSince = -1;
                        }
                        else if (length > 0)
                        {
                            // A creator writes the 15 bytes at once; a short hook that stays short is corrupt.
                            pending = "it is " + length + " bytes long, expected " + HookLayout.Size;
                            if (shortSince < 0) shortSince = Stopwatch.GetTimestamp();
                            else if (Clock.MillisSince(shortSince) >= 200) throw new CorruptHookException(_prefix, hookPath, pending);
                        }
                        else
                        {
                            pending = "it is empty";
                        }
                    }
                    catch
                    {
                        hook.Dispose();
                        throw;
                    }
                    if (ready) break;
                    hook.Dispose();
                }
                if (_timeoutTicks >= 0 && Stopwatch.GetTimestamp() - start > _timeoutTicks)
                {
                    if (pending != null) throw new CorruptHookException(_prefix, hookPath, pending);
                    throw new NotFoundException(_prefix, _directory, "no hook file \"" + _prefix + "\" appeared within " + _timeout + " s");
                }
                Sleeper.PollSleep(ref poll);
            }

            MappedFile hookMap = null;
            LockState own;
            try
            {
                own = hook.TryLockByte(_ownFlag);
                if (own == LockState.Unlocked) throw new RoleTakenException(_prefix, _role);
                hookMap = hook.Map(HookLayout.Size);
            }
            catch
            {
                if (hookMap != null) hookMap.Release();
                else hook.Dispose();
                throw;
            }
            _hookMap = hookMap;
            _hook = new HookView(hookMap.Pointer);
            _futex = FutexWord.For(hookMap);
            if (own == LockState.Locked)
            {
                _liveness = new PeerLiveness(hookMap.File, _peerRole);
                _liveness.ProbeNow();
            }

            // The data file named by the hook; a creator may still be creating it.
            long dataStart = Stopwatch.GetTimestamp();
            while (true)
            {
                int fileNumber = _hook.ReadFileNumber();
                int capacity = _hook.ReadCapacity();
                string problem;
                DataFile data = TryOpenData(fileNumber, capacity, out problem);
                if (data != null)
                {
                    _data = data;
                    _capacity = capacity;
                    _fileNumber = fileNumber;
                    _peerKnownFileNumber = fileNumber;
                    break;
                }
                bool timedOut = _timeoutTicks >= 0
                    ? Stopwatch.GetTimestamp() - start > _timeoutTicks
                    : Clock.MillisSince(dataStart) > MaxDataWaitMillis;
                if (timedOut) throw new CorruptHookException(_prefix, hookPath, problem);
                Sleeper.PollSleep(ref poll);
            }

            // Data files older than the current one are leftovers of resizes made before we joined.
            for (int n = 1; n < _fileNumber; n++) SharedFiles.DeleteQuietly(DataPath(n));
        }

        /// <summary>Opens and maps data file <paramref name="fileNumber"/> with <paramref name="capacity"/> bytes, or returns null with the reason.</summary>
        private DataFile TryOpenData(int fileNumber, int capacity, out string problem)
        {
            if (fileNumber < 1 || capacity < 1)
            {
                // Can only be a hook written by something else than a runtime: fail now.
                throw new CorruptHookException(_prefix, HookPath,
                    "file number " + fileNumber + " and capacity " + capacity + " must both be positive");
            }
            if (!SharedFiles.CanNameDataFile(_prefix, fileNumber))
            {
                // Refuse before building a name of up to 2 GiB.
                throw new CorruptHookException(_prefix, HookPath,
                    "file number " + fileNumber + " cannot name a data file (file names are at most " +
                    SharedFiles.MaxNameLength + " bytes)");
            }
            string path = DataPath(fileNumber);
            OsFile file = OsFile.OpenExisting(_prefix, path);
            if (file == null)
            {
                problem = "the data file " + path + " named by the hook does not exist";
                return null;
            }
            try
            {
                long length = file.Length;
                if (length < capacity)
                {
                    problem = "the data file " + path + " is " + length + " bytes long but the hook says the capacity is " + capacity;
                    file.Dispose();
                    return null;
                }
                problem = null;
                return new DataFile(_prefix, fileNumber, file.Map(capacity));
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        // ------------------------------------------------------------------ turns

        /// <summary>Blocks until this side holds control. Fails (deleting the files and closing this
        /// instance) on timeout, when the peer closed, or when the peer died. Switches to a new data
        /// file if the peer resized.</summary>
        public void WaitUnblocked()
        {
            Enter();
            try { WaitUnblockedCore(); }
            finally { Exit(); }
        }

        /// <summary>
        /// Non-blocking <see cref="WaitUnblocked"/>, for Unity's frame loop: returns false while the
        /// peer holds control, true once this side does (after switching to a resized data file).
        /// Throws <see cref="PeerClosedException"/> / <see cref="PeerDiedException"/> as WaitUnblocked
        /// would; the timeout does not apply (nothing waits).
        /// </summary>
        public bool PollUnblocked()
        {
            Enter();
            try
            {
                if (!_hook.ReadFlag(_ownFlag) && !_hook.ReadFlag(HookLayout.ClosedFlagOffset))
                {
                    if (_liveness == null || _liveness.ProbeIfDue()) return false;
                    if (!_hook.ReadFlag(_ownFlag) && !_hook.ReadFlag(HookLayout.ClosedFlagOffset))
                        throw Fail(new PeerDiedException(_prefix, _peerRole));
                }
                WaitUnblockedCore(); // does not wait: this side's flag or the closed flag is set
                return true;
            }
            finally
            {
                Exit();
            }
        }

        /// <summary>Gives control to the peer; with <paramref name="wait"/>, then blocks until it gives control back.</summary>
        public void GiveControl(bool wait = true)
        {
            Enter();
            try
            {
                WaitUnblockedCore();
                _hook.WriteFlag(_ownFlag, false); // release: our data writes are visible before...
                _hook.WriteFlag(_peerFlag, true); // ...the peer sees its flag (this order matters)
                _peerKnownFileNumber = _data.FileNumber;
                WakePeer();
                if (wait) WaitUnblockedCore();
            }
            finally
            {
                Exit();
            }
        }

        private void WaitUnblockedCore()
        {
            if (!_hook.ReadFlag(_ownFlag) && !_hook.ReadFlag(HookLayout.ClosedFlagOffset))
            {
                long start = Stopwatch.GetTimestamp();
                var waiter = new Waiter(_waitStrategy);
                FutexWord futex = _futex;
                while (true)
                {
                    if ((Volatile.Read(ref _state) & ClosingBit) != 0) throw Disposed();
                    // Load the futex word before looking at the flags: a flag written after this
                    // load changes the word, so the FUTEX_WAIT below returns at once.
                    int word = futex != null ? futex.Load() : 0;
                    if (_hook.ReadFlag(_ownFlag) || _hook.ReadFlag(HookLayout.ClosedFlagOffset)) break;
                    if (_timeoutTicks >= 0 && Stopwatch.GetTimestamp() - start > _timeoutTicks)
                        throw Fail(new PusmTimeoutException(_prefix, _timeout));
                    if (_liveness != null && !_liveness.ProbeIfDue())
                    {
                        // The peer set its flags before dying or closing: look once more.
                        if (_hook.ReadFlag(_ownFlag) || _hook.ReadFlag(HookLayout.ClosedFlagOffset)) break;
                        throw Fail(new PeerDiedException(_prefix, _peerRole));
                    }
                    // A pusm peer (seen holding its liveness lock) always wakes the futex; an
                    // original package never does, so then keep the sleeping backoff.
                    if (futex != null && waiter.PastSpinPhase && _liveness != null && _liveness.SeenLocked)
                    {
                        if (futex.Wait(word, FutexWord.PusmPeerWaitMicros)) _futexWakeups++;
                    }
                    else
                    {
                        waiter.Pause();
                    }
                }
            }
            // Closed while this side still waits: the peer left without handing control back.
            // (A peer that hands over and then closes has its last message read first; the close
            // is reported at the next wait that would block.)
            if (!_hook.ReadFlag(_ownFlag) && _hook.ReadFlag(HookLayout.ClosedFlagOffset))
                throw Fail(new PeerClosedException(_prefix));
            FollowResize();
        }

        /// <summary>If the peer resized, map the new data file and delete the old one(s).</summary>
        private void FollowResize()
        {
            int fileNumber = _hook.ReadFileNumber();
            if (fileNumber == _data.FileNumber) return;
            int capacity = _hook.ReadCapacity();
            string problem;
            DataFile next = TryOpenData(fileNumber, capacity, out problem);
            if (next == null) throw new CorruptHookException(_prefix, HookPath, problem);
            DataFile old = _data;
            _data = next;
            _capacity = capacity;
            _fileNumber = fileNumber;
            _peerKnownFileNumber = fileNumber;
            old.Release();
            SharedFiles.DeleteQuietly(old.Path);
            for (int n = old.FileNumber + 1; n < fileNumber; n++) SharedFiles.DeleteQuietly(DataPath(n));
        }

        /// <summary>Grows the data file to <paramref name="newCapacity"/> bytes (strictly more than now),
        /// keeping its contents. Creates the next data file; the peer switches to it and deletes the
        /// old one on its next wait.</summary>
        public void Resize(int newCapacity)
        {
            Enter();
            try
            {
                WaitUnblockedCore();
                DataFile old = _data;
                if (newCapacity <= old.Capacity) throw new InvalidResizeException(_prefix, old.Capacity, newCapacity);
                int fileNumber = old.FileNumber + 1;
                if (!SharedFiles.CanNameDataFile(_prefix, fileNumber))
                    throw new InvalidResizeException(_prefix, old.Capacity, newCapacity,
                        "the data file name would exceed " + SharedFiles.MaxNameLength + " bytes (data file " + fileNumber +
                        " is named by the prefix and " + fileNumber + " underscores)");
                string path = DataPath(fileNumber);
                OsFile file = OsFile.CreateExclusive(_prefix, path);
                if (file == null)
                {
                    // A leftover of an earlier conversation under this prefix: the name is ours now.
                    SharedFiles.DeleteQuietly(path);
                    file = OsFile.CreateExclusive(_prefix, path);
                    if (file == null) throw new AlreadyExistsException(_prefix, path, "(could not replace the leftover data file)");
                }
                DataFile next;
                try
                {
                    file.SetLength(newCapacity);
                    next = new DataFile(_prefix, fileNumber, file.Map(newCapacity));
                }
                catch
                {
                    file.Dispose();
                    SharedFiles.DeleteQuietly(path);
                    throw;
                }
                old.CopyTo(next);
                _hook.WriteCapacity(newCapacity);
                _hook.WriteFileNumber(fileNumber);
                _data = next;
                _capacity = newCapacity;
                _fileNumber = fileNumber;
                old.Release();
                // A second resize in one turn: the peer never saw the file this side made a
                // moment ago, and an original package would only delete the one it knows.
                if (old.FileNumber != _peerKnownFileNumber) SharedFiles.DeleteQuietly(old.Path);
                WakePeer();
            }
            finally
            {
                Exit();
            }
        }

        // ------------------------------------------------------------------ primitives

        public (bool, int) ReadBool(int offset)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.ReadBool(offset); }
            finally { Exit(); }
        }

        public (int, int) ReadInt32(int offset)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.ReadInt32(offset); }
            finally { Exit(); }
        }

        public (float, int) ReadFloat32(int offset)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.ReadFloat32(offset); }
            finally { Exit(); }
        }

        /// <summary>Reads an int32 byte length then that many bytes of UTF-8.</summary>
        public (string, int) ReadString(int offset)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.ReadString(offset); }
            finally { Exit(); }
        }

        public (byte[], int) ReadBytes(int offset, int length)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.ReadBytes(offset, length); }
            finally { Exit(); }
        }

        public int WriteBool(int offset, bool value)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.WriteBool(offset, value); }
            finally { Exit(); }
        }

        public int WriteInt32(int offset, int value)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.WriteInt32(offset, value); }
            finally { Exit(); }
        }

        public int WriteFloat32(int offset, float value)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.WriteFloat32(offset, value); }
            finally { Exit(); }
        }

        /// <summary>Writes an int32 byte length then the UTF-8 bytes of <paramref name="value"/>.</summary>
        public int WriteString(int offset, string value)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.WriteString(offset, value); }
            finally { Exit(); }
        }

        /// <summary>Writes the raw bytes (no length).</summary>
        public int WriteBytes(int offset, byte[] data)
        {
            Enter();
            try { WaitUnblockedCore(); return _data.WriteBytes(offset, data); }
            finally { Exit(); }
        }

        // ------------------------------------------------------------------ closing

        /// <summary>Sets the closed flag (the peer's next wait fails with <see cref="PeerClosedException"/>),
        /// unmaps and releases the liveness lock. The files stay. Calling it again does nothing.</summary>
        public void Close()
        {
            RequestClose(false);
        }

        /// <summary><see cref="Close"/>, then deletes the hook and the data file(s). Missing files are ignored.</summary>
        public void Delete()
        {
            _deleteOnRelease = true;
            RequestClose(false);
            if (Volatile.Read(ref _released) != 0) DeleteOwnFiles();
        }

        /// <summary>Same as <see cref="Delete"/>, as in the original package.</summary>
        public void Dispose()
        {
            Delete();
        }

        /// <summary>Deletes the files of shared memory <paramref name="prefix"/>: the file named
        /// <paramref name="prefix"/> and those named <paramref name="prefix"/> followed by one or
        /// more underscores (not, unlike the original, every file starting with the prefix).</summary>
        public static void DeleteFiles(string prefix)
        {
            SharedFiles.ValidatePrefix(prefix);
            foreach (string path in SharedFiles.ConversationFiles(SharedFiles.DirectoryPath, prefix, true))
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception e)
                {
                    if (e is FileNotFoundException || e is DirectoryNotFoundException) continue;
                    throw new PusmException(prefix, "Could not delete " + path + ": " + e.Message, e);
                }
            }
        }

        ~SharedMemory()
        {
            try
            {
                RequestClose(true);
                ReleaseResources(); // nobody else can be using an unreachable instance
            }
            catch (Exception)
            {
                // A finalizer must never take the process down.
            }
        }

        private void Enter()
        {
            while (true)
            {
                int state = Volatile.Read(ref _state);
                if ((state & ClosingBit) != 0) throw Disposed();
                if (Interlocked.CompareExchange(ref _state, state + 1, state) == state) return;
            }
        }

        private void Exit()
        {
            if (Interlocked.Decrement(ref _state) == ClosingBit) ReleaseResources();
        }

        /// <summary>Sets the closed flag and releases the instance once no call is in progress.
        /// An <paramref name="implicitClose"/> (the finalizer) sets the closed flag only if this side
        /// holds control (docs/DECISIONS.md, rule B): a peer holding control may still have to read
        /// what this side handed over, and the original packages fail every call once the flag is
        /// set. pusm peers learn that this side is gone from its released liveness lock.</summary>
        private void RequestClose(bool implicitClose)
        {
            while (true)
            {
                int state = Volatile.Read(ref _state);
                if ((state & ClosingBit) != 0) return;
                // Count ourselves in, so the mappings stay valid while we set the closed flag.
                if (Interlocked.CompareExchange(ref _state, (state + 1) | ClosingBit, state) == state) break;
            }
            try
            {
                HookView hook = _hook;
                if (hook != null)
                {
                    // The peer closed first: nobody else will delete the files.
                    if (hook.ReadFlag(HookLayout.ClosedFlagOffset)) _deleteOnRelease = true;
                    if (!implicitClose || hook.ReadFlag(_ownFlag))
                    {
                        hook.WriteFlag(HookLayout.ClosedFlagOffset, true);
                        WakePeer();
                    }
                }
            }
            catch (Exception)
            {
            }
            Exit();
        }

        /// <summary>Closes this instance, deleting the files once released, and returns <paramref name="error"/> to throw.</summary>
        private Exception Fail(Exception error)
        {
            _deleteOnRelease = true;
            RequestClose(false);
            return error;
        }

        private void ReleaseResources()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            try
            {
                HookView hook = _hook;
                if (hook != null)
                {
                    int hookNumber = hook.ReadFileNumber();
                    if (hookNumber > _fileNumber && hookNumber < _fileNumber + 1000) _fileNumber = hookNumber;
                }
            }
            catch (Exception)
            {
            }
            _hook = null;
            _futex = null;
            DataFile data = _data;
            _data = null;
            if (data != null) data.Release();
            MappedFile hookMap = _hookMap;
            _hookMap = null;
            if (hookMap != null) hookMap.Release(); // closes the fd: drops our liveness lock
            if (_deleteOnRelease) DeleteOwnFiles();
            GC.SuppressFinalize(this);
        }

        private void DeleteOwnFiles()
        {
            if (_directory == null || _prefix == null) return;
            SharedFiles.DeleteQuietly(HookPath);
            for (int n = Math.Max(1, _fileNumber); n >= 1; n--) SharedFiles.DeleteQuietly(DataPath(n));
        }

        /// <summary>Wakes a pusm peer sleeping on the futex word (after flags, closed flag or a resize changed).</summary>
        private void WakePeer()
        {
            FutexWord futex = _futex;
            if (futex != null) futex.WakeAll();
        }

        /// <summary>How many futex waits of this instance ended by a wake-up (tests, diagnostics).</summary>
        internal int FutexWakeups { get { return _futexWakeups; } }

        private ObjectDisposedException Disposed()
        {
            return new ObjectDisposedException("SharedMemory", "Shared memory \"" + _prefix + "\" is closed");
        }
    }
}
