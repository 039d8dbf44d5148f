using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace Pusm.Editor
{
    /// <summary>What one run of pusm-codegen did.</summary>
    public sealed class CodegenResult
    {
        /// <summary>The generator's exit code (0: success, 1: invalid schema or unwritable file, 2: usage).</summary>
        public int ExitCode;
        /// <summary>What it printed on stdout.</summary>
        public string Output = "";
        /// <summary>What it printed on stderr: the schema diagnostics when it fails.</summary>
        public string Error = "";
        /// <summary>The C# files it created or changed, as full paths (it leaves unchanged files alone).</summary>
        public List<string> Written = new List<string>();

        /// <summary>True when the generator succeeded.</summary>
        public bool Succeeded { get { return ExitCode == 0; } }
    }

    /// <summary>
    /// Runs the <c>pusm-codegen</c> binary (shipped in the <c>pusm</c> Python wheel: <c>pip install
    /// pusm</c>) to turn a <c>.pusm</c> schema into C#. No Unity types here, so the logic the
    /// Editor menu and the <c>.pusm</c> importer share is tested under plain mono.
    /// </summary>
    public static class CodegenRunner
    {
        /// <summary>The generator's executable name (without .exe).</summary>
        public const string ExecutableName = "pusm-codegen";

        /// <summary>Environment variable that may name the generator's full path.</summary>
        public const string PathVariable = "PUSM_CODEGEN";

        /// <summary>What to tell a user whose generator cannot be found.</summary>
        public const string InstallHint =
            "Install it with `pip install pusm` (the wheel contains the pusm-codegen binary), or choose the binary " +
            "with Tools > pusm > Locate pusm-codegen... (or set the PUSM_CODEGEN environment variable).";

        /// <summary>
        /// Finds the generator: <paramref name="configuredPath"/> (the Editor setting) if set,
        /// else $PUSM_CODEGEN, else the first <c>pusm-codegen</c> on <paramref name="searchPath"/>
        /// (PATH), else where <c>pip install --user</c> and Homebrew put scripts (an Editor started
        /// from a desktop launcher often has a shorter PATH than a terminal). Null if none exists.
        /// </summary>
        public static string Locate(string configuredPath, string environmentPath, string searchPath, string home, bool windows)
        {
            if (!string.IsNullOrEmpty(configuredPath)) return File.Exists(configuredPath) ? Path.GetFullPath(configuredPath) : null;
            if (!string.IsNullOrEmpty(environmentPath)) return File.Exists(environmentPath) ? Path.GetFullPath(environmentPath) : null;
            string name = windows ? ExecutableName + ".exe" : ExecutableName;
            var dirs = new List<string>();
            if (!string.IsNullOrEmpty(searchPath)) dirs.AddRange(searchPath.Split(windows ? ';' : ':'));
            if (!string.IsNullOrEmpty(home) && !windows) dirs.Add(Path.Combine(Path.Combine(home, ".local"), "bin"));
            if (!windows)
            {
                dirs.Add("/usr/local/bin");
                dirs.Add("/opt/homebrew/bin");
            }
            foreach (string dir in dirs)
            {
                if (string.IsNullOrEmpty(dir)) continue;
                string candidate;
                try { candidate = Path.Combine(dir.Trim('"'), name); }
                catch (ArgumentException) { continue; } // a PATH entry with characters a path cannot have
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary><see cref="Locate(string, string, string, string, bool)"/> with this process's environment.</summary>
        public static string Locate(string configuredPath)
        {
            bool windows = Environment.OSVersion.Platform != PlatformID.Unix && Environment.OSVersion.Platform != PlatformID.MacOSX;
            return Locate(configuredPath, Environment.GetEnvironmentVariable(PathVariable), Environment.GetEnvironmentVariable("PATH"),
                Environment.GetEnvironmentVariable(windows ? "USERPROFILE" : "HOME"), windows);
        }

        /// <summary>The C# file the generator writes for <paramref name="schemaPath"/>: robot.pusm -> Robot.cs,
        /// edge_cases.pusm -> EdgeCases.cs (imported schemas get files of their own beside it).</summary>
        public static string OutputFileName(string schemaPath)
        {
            string stem = Path.GetFileNameWithoutExtension(schemaPath);
            var sb = new StringBuilder();
            bool upper = true;
            foreach (char c in stem)
            {
                if (c == '_' || c == '-' || c == '.' || c == ' ')
                {
                    upper = true;
                    continue;
                }
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            return sb.ToString() + ".cs";
        }

        /// <summary>The command line: <c>pusm-codegen --csharp OUTPUT_DIR SCHEMA</c>.</summary>
        public static string[] Arguments(string schemaPath, string outputDirectory)
        {
            return new[] { "--csharp", outputDirectory, schemaPath };
        }

        /// <summary>Quotes one argument for ProcessStartInfo.Arguments (the Windows/Mono parsing rules).</summary>
        public static string Quote(string argument)
        {
            if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"', '\\' }) < 0) return argument;
            var sb = new StringBuilder("\"");
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }
                if (c == '"')
                {
                    sb.Append('\\', backslashes * 2 + 1);
                }
                else
                {
                    sb.Append('\\', backslashes);
                }
                backslashes = 0;
                sb.Append(c);
            }
            sb.Append('\\', backslashes * 2);
            sb.Append('"');
            return sb.ToString();
        }

        /// <summary>Runs <paramref name="generator"/> on one schema, writing C# to <paramref name="outputDirectory"/>
        /// (created if missing). Never throws for a failing generator: the result says what happened.</summary>
        public static CodegenResult Run(string generator, string schemaPath, string outputDirectory, int timeoutMillis = 120000)
        {
            Directory.CreateDirectory(outputDirectory);
            Dictionary<string, DateTime> before = Snapshot(outputDirectory);
            var args = new List<string>();
            foreach (string a in Arguments(Path.GetFullPath(schemaPath), Path.GetFullPath(outputDirectory))) args.Add(Quote(a));
            var psi = new ProcessStartInfo(generator, string.Join(" ", args.ToArray()))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            var result = new CodegenResult();
            try
            {
                using (Process process = Process.Start(psi))
                {
                    var stderr = new StringBuilder();
                    process.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
                    process.BeginErrorReadLine();
                    result.Output = process.StandardOutput.ReadToEnd();
                    if (!process.WaitForExit(timeoutMillis))
                    {
                        try { process.Kill(); } catch (Exception) { }
                        result.ExitCode = -1;
                        result.Error = generator + " did not finish within " + timeoutMillis / 1000 + " s";
                        return result;
                    }
                    process.WaitForExit();
                    result.ExitCode = process.ExitCode;
                    lock (stderr) result.Error = stderr.ToString();
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                result.ExitCode = -1;
                result.Error = "Cannot run " + generator + ": " + e.Message + ". " + InstallHint;
                return result;
            }
            foreach (KeyValuePair<string, DateTime> file in Snapshot(outputDirectory))
            {
                DateTime old;
                if (!before.TryGetValue(file.Key, out old) || old != file.Value) result.Written.Add(file.Key);
            }
            result.Written.Sort(StringComparer.Ordinal);
            return result;
        }

        private static Dictionary<string, DateTime> Snapshot(string directory)
        {
            var files = new Dictionary<string, DateTime>();
            foreach (string path in Directory.GetFiles(directory, "*.cs")) files[Path.GetFullPath(path)] = File.GetLastWriteTimeUtc(path);
            return files;
        }
    }
}
