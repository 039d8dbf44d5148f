// Tests of the package's Editor scripts (Editor/*.cs: the .pusm importer, the Tools/pusm menu
// and the pusm-codegen runner they share), compiled against the stand-in UnityEngine and
// UnityEditor assemblies in standin/ and run under mono by run.sh. A fake generator (a shell
// script that records its arguments and writes a C# file) stands in for pusm-codegen.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NUnit.Framework;
using Pusm.Editor;
using UnityEditor;
using UnityEditor.AssetImporters;

internal static class EditorToolTestsMain
{
    private static int Main(string[] args)
    {
        int passed = 0, failed = 0;
        NUnitRunner.RunAll(args.ToList(), ref passed, ref failed);
        Console.WriteLine(passed + " passed, " + failed + " failed");
        return failed > 0 ? 1 : 0;
    }
}

[TestFixture]
public class EditorToolTests
{
    private string _root;

    [SetUp]
    public void MakeProject()
    {
        // A path with a space, as "My Project" folders have.
        _root = Path.Combine(Path.GetTempPath(), "pusm editor " + Process.GetCurrentProcess().Id + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_root, "Assets/Schemas"));
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        File.WriteAllText(Path.Combine(_root, "Assets/Schemas/robot.pusm"), "struct Observation { step: int32 }\n");
        EditorPrefs.SetString(PusmGeneration.GeneratorPathKey, "");
        AssetDatabase.Imported.Clear();
        UnityEngine.Debug.Logged.Clear();
        EditorApplication.delayCall = null;
    }

    [TearDown]
    public void RemoveProject()
    {
        Environment.CurrentDirectory = Path.GetTempPath();
        try { Directory.Delete(_root, true); } catch (Exception) { }
    }

    /// <summary>A fake pusm-codegen: records its arguments (one a line) and writes the C# file for
    /// the schema unless it is already there with the same text, as the real one does.</summary>
    private string FakeGenerator(string name = "pusm-codegen", int exitCode = 0, string stderr = "")
    {
        string path = Path.Combine(Path.Combine(_root, "bin"), name);
        File.WriteAllText(path,
            "#!/bin/sh\n" +
            "printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args.txt\"\n" +
            (exitCode != 0 ? "echo '" + stderr + "' >&2\nexit " + exitCode + "\n" : "") +
            "out=\"$2/Robot.cs\"\n" +
            "text='namespace Robot { public partial class Observation { public int Step; } }'\n" +
            "if [ ! -f \"$out\" ] || [ \"$(cat \"$out\")\" != \"$text\" ]; then printf '%s\\n' \"$text\" > \"$out\"; fi\n");
        Assert.AreEqual(0, Process.Start("chmod", "+x \"" + path + "\"").WaitForExitAndCode());
        return path;
    }

    private string[] RecordedArguments()
    {
        return File.ReadAllLines(Path.Combine(Path.Combine(_root, "bin"), "args.txt"));
    }

    [Test]
    public void OutputFileNamesFollowTheGenerator()
    {
        Assert.AreEqual("Robot.cs", CodegenRunner.OutputFileName("Assets/Schemas/robot.pusm"));
        Assert.AreEqual("EdgeCases.cs", CodegenRunner.OutputFileName("edge_cases.pusm"));
        Assert.AreEqual("Assets/Schemas", PusmImporter.OutputFolderFor("Assets/Schemas/robot.pusm", ""));
        Assert.AreEqual("Assets/Generated", PusmImporter.OutputFolderFor("Assets/Schemas/robot.pusm", "Assets/Generated/"));
    }

    [Test]
    public void LocateFindsTheConfiguredPathThenPathThenUserScripts()
    {
        string fake = FakeGenerator();
        string bin = Path.GetDirectoryName(fake);
        Assert.AreEqual(fake, CodegenRunner.Locate(fake, null, "", null, false), "the configured path");
        Assert.IsNull(CodegenRunner.Locate(fake + ".missing", null, bin, null, false), "a configured path that is gone is not replaced silently");
        Assert.AreEqual(fake, CodegenRunner.Locate("", fake, "", null, false), "$PUSM_CODEGEN");
        Assert.AreEqual(fake, CodegenRunner.Locate("", null, "/nonexistent:" + bin, null, false), "PATH, in order");
        string home = Path.Combine(_root, "home");
        Directory.CreateDirectory(Path.Combine(home, ".local/bin"));
        File.Copy(fake, Path.Combine(home, ".local/bin/pusm-codegen"));
        Assert.AreEqual(Path.Combine(home, ".local/bin/pusm-codegen"), CodegenRunner.Locate("", null, "/nonexistent", home, false),
            "pip install --user's scripts folder, which a desktop-started Editor may not have on PATH");
        Assert.IsNull(CodegenRunner.Locate("", null, "/nonexistent", "/nonexistent", true), "Windows looks for pusm-codegen.exe");
    }

    [Test]
    public void QuotingKeepsEveryArgumentWhole()
    {
        Assert.AreEqual("plain", CodegenRunner.Quote("plain"));
        Assert.AreEqual("\"a b\"", CodegenRunner.Quote("a b"));
        Assert.AreEqual("\"say \\\"hi\\\"\"", CodegenRunner.Quote("say \"hi\""));
        Assert.AreEqual("\"C:\\dir with space\\\\\"", CodegenRunner.Quote("C:\\dir with space\\"));
        Assert.AreEqual("\"\"", CodegenRunner.Quote(""));
    }

    [Test]
    public void RunPassesCsharpOutputAndSchemaAndReportsWrittenFiles()
    {
        string fake = FakeGenerator();
        string schema = Path.Combine(_root, "Assets/Schemas/robot.pusm");
        string output = Path.Combine(_root, "Assets/Generated Code");
        CodegenResult result = CodegenRunner.Run(fake, schema, output);
        Assert.IsTrue(result.Succeeded, result.Error);
        string[] args = RecordedArguments();
        Assert.AreEqual(3, args.Length, string.Join("|", args));
        Assert.AreEqual("--csharp", args[0]);
        Assert.AreEqual(output, args[1]);
        Assert.AreEqual(schema, args[2]);
        Assert.AreEqual(1, result.Written.Count);
        Assert.AreEqual(Path.Combine(output, "Robot.cs"), result.Written[0]);

        CodegenResult again = CodegenRunner.Run(fake, schema, output);
        Assert.IsTrue(again.Succeeded);
        Assert.AreEqual(0, again.Written.Count, "an unchanged file is not reported (nor reimported)");
    }

    [Test]
    public void FailingGeneratorReportsItsDiagnostics()
    {
        string fake = FakeGenerator("pusm-codegen", 1, "error: robot.pusm:1: unknown type int33");
        CodegenResult result = CodegenRunner.Run(fake, Path.Combine(_root, "Assets/Schemas/robot.pusm"), Path.Combine(_root, "Assets"));
        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual(1, result.ExitCode);
        StringAssert.Contains("unknown type int33", result.Error);
        Assert.AreEqual(0, result.Written.Count);
    }

    [Test]
    public void ImporterGeneratesBesideTheSchemaAndImportsTheResult()
    {
        EditorPrefs.SetString(PusmGeneration.GeneratorPathKey, FakeGenerator());
        Environment.CurrentDirectory = _root;
        var ctx = new AssetImportContext("Assets/Schemas/robot.pusm");
        new PusmImporter().OnImportAsset(ctx);
        Assert.AreEqual(0, ctx.Errors.Count, string.Join("\n", ctx.Errors.ToArray()));
        var text = ctx.MainObject as UnityEngine.TextAsset;
        Assert.IsNotNull(text, "the schema is imported as a TextAsset");
        StringAssert.Contains("struct Observation", text.text);
        Assert.IsTrue(File.Exists(Path.Combine(_root, "Assets/Schemas/Robot.cs")));
        Assert.AreEqual(0, AssetDatabase.Imported.Count, "nothing is imported during the import itself");
        EditorApplication.RunDelayCalls();
        Assert.AreEqual("Assets/Schemas/Robot.cs", string.Join(",", AssetDatabase.Imported.ToArray()));
    }

    [Test]
    public void ImporterWithoutGeneratorSaysHowToInstallIt()
    {
        EditorPrefs.SetString(PusmGeneration.GeneratorPathKey, Path.Combine(_root, "bin/not-there"));
        Environment.CurrentDirectory = _root;
        var ctx = new AssetImportContext("Assets/Schemas/robot.pusm");
        new PusmImporter().OnImportAsset(ctx);
        Assert.AreEqual(1, ctx.Errors.Count);
        StringAssert.Contains("pip install pusm", ctx.Errors[0]);
        StringAssert.Contains("Assets/Schemas/robot.pusm", ctx.Errors[0]);
    }

    [Test]
    public void MenuGeneratesEverySchemaInTheProject()
    {
        EditorPrefs.SetString(PusmGeneration.GeneratorPathKey, FakeGenerator());
        Environment.CurrentDirectory = _root;
        UnityEngine.Application.dataPath = Path.Combine(_root, "Assets");
        Directory.CreateDirectory(Path.Combine(_root, "Assets/Other"));
        File.WriteAllText(Path.Combine(_root, "Assets/Other/robot.pusm"), "struct Observation { step: int32 }\n");
        var menu = typeof(PusmMenu).GetMethod("GenerateAll");
        var item = (MenuItem)menu.GetCustomAttributes(typeof(MenuItem), false).Single();
        Assert.AreEqual("Tools/pusm/Generate C#", item.menuItem);
        PusmMenu.GenerateAll();
        Assert.IsTrue(File.Exists(Path.Combine(_root, "Assets/Schemas/Robot.cs")));
        Assert.IsTrue(File.Exists(Path.Combine(_root, "Assets/Other/Robot.cs")));
        Assert.AreEqual(2, UnityEngine.Debug.Logged.Count(l => l.StartsWith("LOG pusm: generated")), string.Join("\n", UnityEngine.Debug.Logged.ToArray()));
    }

    [Test]
    public void LocateMenuStoresThePickedBinary()
    {
        EditorUtility.NextOpenFilePanelResult = "/opt/venv/bin/pusm-codegen";
        PusmMenu.LocateGenerator();
        Assert.AreEqual("/opt/venv/bin/pusm-codegen", EditorPrefs.GetString(PusmGeneration.GeneratorPathKey, ""));
    }
}

internal static class ProcessExtensions
{
    internal static int WaitForExitAndCode(this Process process)
    {
        process.WaitForExit();
        return process.ExitCode;
    }
}
