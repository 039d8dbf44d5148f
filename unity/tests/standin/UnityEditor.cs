// A stand-in for the few UnityEditor types the pusm Editor scripts use (see UnityEngine.cs).
// The members have the names and shapes of Unity 2020.3's; the bodies record what was asked.
using System;
using System.Collections.Generic;

namespace UnityEditor
{
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class MenuItem : Attribute
    {
        public readonly string menuItem;

        public MenuItem(string itemName) { menuItem = itemName; }
    }

    public static class EditorPrefs
    {
        private static readonly Dictionary<string, string> s_strings = new Dictionary<string, string>();

        public static string GetString(string key, string defaultValue)
        {
            string value;
            return s_strings.TryGetValue(key, out value) ? value : defaultValue;
        }

        public static void SetString(string key, string value) { s_strings[key] = value; }
    }

    public static class EditorUtility
    {
        public static readonly List<string> Dialogs = new List<string>();

        /// <summary>What OpenFilePanel returns (the file the user "picks").</summary>
        public static string NextOpenFilePanelResult = "";

        public static bool DisplayDialog(string title, string message, string ok)
        {
            Dialogs.Add(title + ": " + message);
            return true;
        }

        public static string OpenFilePanel(string title, string directory, string extension)
        {
            return NextOpenFilePanelResult;
        }
    }

    public static class AssetDatabase
    {
        public static readonly List<string> Imported = new List<string>();

        public static void ImportAsset(string path) { Imported.Add(path); }
    }

    public static class EditorApplication
    {
        public delegate void CallbackFunction();

        public static CallbackFunction delayCall;

        /// <summary>Runs and clears the pending delayCall callbacks, as the Editor's next update does.</summary>
        public static void RunDelayCalls()
        {
            CallbackFunction calls = delayCall;
            delayCall = null;
            if (calls != null) calls();
        }
    }

    public class AssetImporter : UnityEngine.Object
    {
        public static readonly Dictionary<string, AssetImporter> ByPath = new Dictionary<string, AssetImporter>();

        public static AssetImporter GetAtPath(string path)
        {
            AssetImporter importer;
            return ByPath.TryGetValue(path, out importer) ? importer : null;
        }
    }
}

namespace UnityEditor.AssetImporters
{
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class ScriptedImporterAttribute : Attribute
    {
        public readonly int version;
        public readonly string[] fileExtensions;

        public ScriptedImporterAttribute(int version, string ext)
        {
            this.version = version;
            fileExtensions = new[] { ext };
        }
    }

    public abstract class ScriptedImporter : AssetImporter
    {
        public abstract void OnImportAsset(AssetImportContext ctx);
    }

    public class AssetImportContext
    {
        public readonly List<string> Errors = new List<string>();
        public readonly Dictionary<string, UnityEngine.Object> Objects = new Dictionary<string, UnityEngine.Object>();

        public AssetImportContext(string assetPath) { this.assetPath = assetPath; }

        public string assetPath { get; private set; }

        public UnityEngine.Object MainObject { get; private set; }

        public void AddObjectToAsset(string identifier, UnityEngine.Object obj) { Objects[identifier] = obj; }

        public void SetMainObject(UnityEngine.Object obj) { MainObject = obj; }

        public void LogImportError(string message) { Errors.Add(message); }
    }
}
