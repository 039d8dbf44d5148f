namespace PythonUnitySharedMemory
{
    /// <summary>
    /// The safety checks every pusm runtime makes on the files and the directory it uses
    /// (docs/RELIABILITY.md): regular files with one link, owned by this user, in a directory
    /// owned by this user that strangers cannot write to. Both backends call them wherever
    /// they can read the file's status (Linux); failures are <see cref="UnsafeFileException"/>.
    /// </summary>
    internal static class SafetyChecks
    {
        /// <summary>Refuses a hook or data file that is not a regular file of this user with one link.</summary>
        internal static void CheckFile(string prefix, string path, StatInfo st, uint euid)
        {
            if (st.Type != LinuxApi.S_IFREG)
                throw new UnsafeFileException(prefix, path, "it is " + st.TypeName + ", not a regular file");
            if (st.Nlink > 1)
                throw new UnsafeFileException(prefix, path, "it has " + st.Nlink + " hard links (another name could be used to change it)");
            if (st.Uid != euid)
                throw new UnsafeFileException(prefix, path, "owned by uid " + st.Uid + ", not by this user (uid " + euid + ")");
        }

        /// <summary>Refuses a shared memory directory another user could swap files in. Never changes its mode.</summary>
        internal static void CheckDirectory(string prefix, string dir, StatInfo st, uint euid)
        {
            if (st.Type == LinuxApi.S_IFLNK)
                throw new UnsafeFileException(prefix, dir, "the shared memory directory is a symbolic link");
            if (st.Type != LinuxApi.S_IFDIR)
                throw new UnsafeFileException(prefix, dir, "it is " + st.TypeName + ", not a directory");
            if (st.Uid != euid)
                throw new UnsafeFileException(prefix, dir, "the directory is owned by uid " + st.Uid + ", not by this user (uid " + euid + ")");
            if ((st.Mode & LinuxApi.S_IWOTH) != 0 && (st.Mode & LinuxApi.S_ISVTX) == 0)
                throw new UnsafeFileException(prefix, dir, "anyone may write to the directory and it has no sticky bit");
        }
    }
}
