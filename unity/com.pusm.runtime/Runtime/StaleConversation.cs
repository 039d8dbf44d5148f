using System;
using System.IO;

namespace PythonUnitySharedMemory
{
    /// <summary>
    /// replaceStale (docs/RELIABILITY.md): removes the hook of a conversation nobody uses any
    /// more, so that a new one can be created under the same name, without ever removing a
    /// live one. Of several processes replacing the same stale conversation at once exactly
    /// one wins (the others get <see cref="AlreadyExistsException"/>): a remover holds both
    /// roles' locks on the old hook and checks that the path still names that very file before
    /// deleting it by name; the new hook is then created with O_EXCL, and only its creator
    /// deletes the leftover data files.
    /// </summary>
    internal static class StaleConversation
    {
        /// <summary>A hook not fully written yet that was modified this recently has a creator at work.</summary>
        private const double CreationGraceSeconds = 2.0;

        /// <summary>Removes the hook at <paramref name="hookPath"/> if it is stale; throws
        /// <see cref="AlreadyExistsException"/> if it is live, being created, or was replaced meanwhile.</summary>
        internal static void RemoveHook(string prefix, string hookPath)
        {
            OsFile old = OsFile.OpenExisting(prefix, hookPath);
            if (old == null) return; // already gone: creating it with O_EXCL decides who wins
            try
            {
                if (BeingCreated(old, hookPath))
                    throw new AlreadyExistsException(prefix, hookPath,
                        "is being created by another process (not fully written yet); not replacing it");
                // Look before taking: a side waiting for its peer takes any holder of the peer's
                // lock for the peer, and would declare it dead once our lock went away again.
                foreach (Role r in new[] { Role.Python, Role.Unity })
                {
                    if (old.ProbeByte(Roles.FlagOffset(r)) == LockState.Locked) throw Live(prefix, hookPath, r);
                }
                foreach (Role r in new[] { Role.Python, Role.Unity })
                {
                    if (old.TryLockByte(Roles.FlagOffset(r)) == LockState.Unlocked) throw Live(prefix, hookPath, r);
                }
                // We hold both locks of the file we opened (native backend). Is it still the one
                // at the path, or did another process replace it meanwhile?
                StatInfo? ours = Identity(old);
                if (ours != null)
                {
                    StatInfo? now = Platform.Linux.StatPath(hookPath);
                    if (now == null) return;
                    if (!SameFile(ours.Value, now.Value))
                        throw new AlreadyExistsException(prefix, hookPath, "was replaced by another process meanwhile; not replacing it");
                }
                SharedFiles.DeleteQuietly(hookPath);
            }
            finally
            {
                old.Dispose(); // releases our locks on the unlinked file
            }
        }

        /// <summary>Device and inode of a native file (null in the portable backend).</summary>
        internal static StatInfo? Identity(OsFile file)
        {
            var posix = file as PosixFile;
            LinuxApi api = Platform.Linux;
            if (posix == null || api == null) return null;
            return posix.Status(api);
        }

        /// <summary>Deletes <paramref name="path"/> only if it still names the file <paramref name="identity"/>
        /// (when known): never removes a file another process created at the same name meanwhile.</summary>
        internal static void DeleteIfSame(string path, StatInfo? identity)
        {
            if (identity != null)
            {
                StatInfo? now;
                try { now = Platform.Linux.StatPath(path); }
                catch (Exception) { return; }
                if (now == null || !SameFile(identity.Value, now.Value)) return;
            }
            SharedFiles.DeleteQuietly(path);
        }

        private static bool SameFile(StatInfo a, StatInfo b)
        {
            return a.Dev == b.Dev && a.Ino == b.Ino;
        }

        private static AlreadyExistsException Live(string prefix, string hookPath, Role r)
        {
            return new AlreadyExistsException(prefix, hookPath,
                "is live: the " + r + " side of this shared memory is held by a running process; not replacing it");
        }

        private static bool BeingCreated(OsFile hook, string hookPath)
        {
            var bytes = new byte[HookLayout.Size];
            bool complete = hook.Length >= HookLayout.Size && hook.ReadFromStart(bytes) == HookLayout.Size &&
                            LittleEndian.Get(bytes, HookLayout.VersionOffset) != 0;
            if (complete) return false;
            try
            {
                double age = (DateTime.UtcNow - File.GetLastWriteTimeUtc(hookPath)).TotalSeconds;
                return age < CreationGraceSeconds;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}
