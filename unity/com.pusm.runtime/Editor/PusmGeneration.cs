using System.Collections.Generic;
using System.IO;
using UnityEditor;
using UnityEngine;

namespace Pusm.Editor
{
    /// <summary>The result of generating C# for one schema, as shown to the user.</summary>
    public struct GenerationOutcome
    {
        /// <summary>True when pusm-codegen ran and succeeded.</summary>
        public bool Succeeded;
        /// <summary>What happened: the files written, or the generator's diagnostics / how to install it.</summary>
        public string Message;
        /// <summary>The generated files that changed, as project paths ("Assets/...").</summary>
        public List<string> Written;
    }

    /// <summary>
    /// The Editor side of generation, shared by the <c>.pusm</c> importer and the
    /// Tools/pusm/Generate C# menu item: finds pusm-codegen (the path chosen in the menu is kept
    /// in EditorPrefs), runs it, and schedules the written C# files for import.
    /// </summary>
    public static class PusmGeneration
    {
        /// <summary>EditorPrefs key of the generator path chosen with Tools/pusm/Locate pusm-codegen...</summary>
        public const string GeneratorPathKey = "Pusm.CodegenPath";

        /// <summary>The generator to run, or null (then <see cref="CodegenRunner.InstallHint"/> says what to do).</summary>
        public static string LocateGenerator()
        {
            return CodegenRunner.Locate(EditorPrefs.GetString(GeneratorPathKey, ""));
        }

        /// <summary>Generates C# for <paramref name="schemaPath"/> into <paramref name="outputFolder"/> (project paths).</summary>
        public static GenerationOutcome Generate(string schemaPath, string outputFolder)
        {
            var outcome = new GenerationOutcome { Written = new List<string>() };
            string generator = LocateGenerator();
            if (generator == null)
            {
                outcome.Message = "pusm: cannot generate C# for " + schemaPath + ": pusm-codegen was not found. " + CodegenRunner.InstallHint;
                return outcome;
            }
            CodegenResult result = CodegenRunner.Run(generator, schemaPath, outputFolder);
            if (!result.Succeeded)
            {
                outcome.Message = "pusm: " + generator + " failed on " + schemaPath + " (exit " + result.ExitCode + "):\n" + result.Error;
                return outcome;
            }
            string projectRoot = Path.GetFullPath(".").Replace('\\', '/').TrimEnd('/') + "/";
            foreach (string file in result.Written)
            {
                string full = file.Replace('\\', '/');
                outcome.Written.Add(full.StartsWith(projectRoot) ? full.Substring(projectRoot.Length) : full);
            }
            outcome.Succeeded = true;
            outcome.Message = outcome.Written.Count == 0
                ? "pusm: C# for " + schemaPath + " is up to date in " + outputFolder
                : "pusm: generated " + string.Join(", ", outcome.Written.ToArray()) + " from " + schemaPath;
            // Importing other assets from inside an import is not allowed: do it right after.
            List<string> written = outcome.Written;
            EditorApplication.delayCall += () =>
            {
                foreach (string path in written) AssetDatabase.ImportAsset(path);
            };
            return outcome;
        }

        /// <summary>Every .pusm file under Assets/, as project paths.</summary>
        public static List<string> SchemasInProject()
        {
            var schemas = new List<string>();
            string assets = Application.dataPath;
            foreach (string file in Directory.GetFiles(assets, "*.pusm", SearchOption.AllDirectories))
                schemas.Add("Assets" + file.Substring(assets.Length).Replace('\\', '/'));
            schemas.Sort(System.StringComparer.Ordinal);
            return schemas;
        }
    }
}
