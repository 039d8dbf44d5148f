using System.Collections.Generic;
using UnityEditor;
using UnityEngine;

namespace Pusm.Editor
{
    /// <summary>The Tools/pusm menu: regenerate the C# of every schema, choose the generator binary.</summary>
    public static class PusmMenu
    {
        /// <summary>Regenerates C# for every .pusm file under Assets/ (beside each schema), as the importer does.</summary>
        [MenuItem("Tools/pusm/Generate C#")]
        public static void GenerateAll()
        {
            List<string> schemas = PusmGeneration.SchemasInProject();
            if (schemas.Count == 0)
            {
                EditorUtility.DisplayDialog("pusm", "No .pusm schema files under Assets/.", "OK");
                return;
            }
            int failures = 0;
            foreach (string schema in schemas)
            {
                GenerationOutcome outcome = PusmGeneration.Generate(schema, PusmImporter.OutputFolderFor(schema, OutputFolderOf(schema)));
                if (outcome.Succeeded)
                {
                    Debug.Log(outcome.Message);
                }
                else
                {
                    failures++;
                    Debug.LogError(outcome.Message);
                }
            }
            if (failures > 0)
                EditorUtility.DisplayDialog("pusm", failures + " of " + schemas.Count + " schema(s) failed: see the Console.", "OK");
        }

        /// <summary>Lets the user pick the pusm-codegen binary (e.g. in a virtualenv's bin/ or Scripts\ folder).</summary>
        [MenuItem("Tools/pusm/Locate pusm-codegen...")]
        public static void LocateGenerator()
        {
            string current = PusmGeneration.LocateGenerator();
            string chosen = EditorUtility.OpenFilePanel("Locate pusm-codegen (pip install pusm)", current ?? "", "");
            if (string.IsNullOrEmpty(chosen)) return;
            EditorPrefs.SetString(PusmGeneration.GeneratorPathKey, chosen);
            Debug.Log("pusm: using " + chosen);
        }

        private static string OutputFolderOf(string schema)
        {
            var importer = AssetImporter.GetAtPath(schema) as PusmImporter;
            return importer != null ? importer.outputFolder : "";
        }
    }
}
