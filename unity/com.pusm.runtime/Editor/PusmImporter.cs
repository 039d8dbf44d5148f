using System.IO;
using UnityEditor;
using UnityEditor.AssetImporters;
using UnityEngine;

namespace Pusm.Editor
{
    /// <summary>
    /// Imports <c>.pusm</c> schema files: runs pusm-codegen on the schema each time it changes and
    /// writes the C# beside it (or in <see cref="outputFolder"/>), where Unity compiles it. The
    /// schema asset itself is a TextAsset. Needs no Rust toolchain: the generator comes from the
    /// <c>pusm</c> Python wheel (<c>pip install pusm</c>).
    /// </summary>
    [ScriptedImporter(1, "pusm")]
    public class PusmImporter : ScriptedImporter
    {
        /// <summary>Project folder for the generated C# ("Assets/..."); empty: the schema's own folder.</summary>
        public string outputFolder = "";

        /// <summary>Runs the generator and records the schema's text as the imported asset.</summary>
        public override void OnImportAsset(AssetImportContext ctx)
        {
            string schemaPath = ctx.assetPath;
            var text = new TextAsset(File.ReadAllText(schemaPath));
            ctx.AddObjectToAsset("schema", text);
            ctx.SetMainObject(text);

            GenerationOutcome outcome = PusmGeneration.Generate(schemaPath, OutputFolderFor(schemaPath, outputFolder));
            if (!outcome.Succeeded) ctx.LogImportError(outcome.Message);
            else Debug.Log(outcome.Message);
        }

        /// <summary>The folder generated C# goes to: <paramref name="configured"/>, or the schema's folder.</summary>
        public static string OutputFolderFor(string schemaPath, string configured)
        {
            if (!string.IsNullOrEmpty(configured)) return configured.Replace('\\', '/').TrimEnd('/');
            string folder = Path.GetDirectoryName(schemaPath);
            return string.IsNullOrEmpty(folder) ? "Assets" : folder.Replace('\\', '/');
        }
    }
}
