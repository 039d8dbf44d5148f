// Runs the NUnit-attributed test classes of unity/com.pusm.runtime/Tests/Editor under mono
// (with NUnitShim.cs), printing PASS/FAIL/SKIP lines like the rest of RuntimeTests.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using NUnit.Framework;

internal static class NUnitRunner
{
    /// <summary>Runs every [Test] of every [TestFixture] whose name matches a filter (all if none).</summary>
    internal static void RunAll(List<string> filters, ref int passed, ref int failed)
    {
        var fixtures = typeof(NUnitRunner).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(TestFixtureAttribute), false).Length > 0)
            .OrderBy(t => t.FullName);
        foreach (Type fixture in fixtures)
        {
            var methods = fixture.GetMethods(BindingFlags.Public | BindingFlags.Instance);
            MethodInfo setUp = methods.FirstOrDefault(m => m.IsDefined(typeof(SetUpAttribute), false));
            MethodInfo tearDown = methods.FirstOrDefault(m => m.IsDefined(typeof(TearDownAttribute), false));
            foreach (MethodInfo test in methods.Where(m => m.IsDefined(typeof(TestAttribute), false)).OrderBy(m => m.MetadataToken))
            {
                string name = fixture.Name + "." + test.Name;
                if (filters.Count > 0 && !filters.Any(f => name.Contains(f))) continue;
                var sw = Stopwatch.StartNew();
                object instance = Activator.CreateInstance(fixture);
                Exception error = null;
                try
                {
                    if (setUp != null) setUp.Invoke(instance, null);
                    try { test.Invoke(instance, null); }
                    finally { if (tearDown != null) tearDown.Invoke(instance, null); }
                }
                catch (TargetInvocationException e)
                {
                    error = e.InnerException;
                }
                if (error is IgnoreException)
                {
                    Console.WriteLine("SKIP " + name + ": " + error.Message);
                }
                else if (error != null)
                {
                    failed++;
                    string detail = error is AssertionException ? error.Message : error.GetType().Name + ": " + error.Message + "\n" + error.StackTrace;
                    Console.WriteLine("FAIL " + name + ": " + detail);
                }
                else
                {
                    passed++;
                    Console.WriteLine("PASS " + name + " (" + sw.ElapsedMilliseconds + " ms)");
                }
                Console.Out.Flush();
            }
        }
    }
}
