// The part of NUnit's classic API the package's Tests/Editor assembly uses, so that the same
// test classes run under mono in CI (unity/tests/run.sh) as in Unity's Test Runner. Compiled
// only into the mono test program; Unity uses the real nunit.framework.dll. Semantics follow
// NUnit 3: AreEqual compares numbers of different types by value, Throws wants the exact type.
using System;
using System.Collections.Generic;

namespace NUnit.Framework
{
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class TestFixtureAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method)]
    public sealed class SetUpAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TearDownAttribute : Attribute { }

    public delegate void TestDelegate();

    public class AssertionException : Exception
    {
        public AssertionException(string message) : base(message) { }
    }

    public class IgnoreException : Exception
    {
        public IgnoreException(string message) : base(message) { }
    }

    public static class Assert
    {
        public static void AreEqual(object expected, object actual) { AreEqual(expected, actual, null); }

        public static void AreEqual(object expected, object actual, string message, params object[] args)
        {
            if (!Same(expected, actual)) Fail(Describe(message, args) + "expected " + Show(expected) + " but was " + Show(actual));
        }

        public static void IsTrue(bool condition) { IsTrue(condition, null); }

        public static void IsTrue(bool condition, string message, params object[] args)
        {
            if (!condition) Fail(Describe(message, args) + "expected true");
        }

        public static void IsFalse(bool condition) { IsFalse(condition, null); }

        public static void IsFalse(bool condition, string message, params object[] args)
        {
            if (condition) Fail(Describe(message, args) + "expected false");
        }

        public static void IsNull(object value) { IsNull(value, null); }

        public static void IsNull(object value, string message, params object[] args)
        {
            if (value != null) Fail(Describe(message, args) + "expected null but was " + Show(value));
        }

        public static void IsNotNull(object value) { IsNotNull(value, null); }

        public static void IsNotNull(object value, string message, params object[] args)
        {
            if (value == null) Fail(Describe(message, args) + "expected a value but was null");
        }

        public static void Less(long arg1, long arg2) { Less(arg1, arg2, null); }

        public static void Less(long arg1, long arg2, string message, params object[] args)
        {
            if (!(arg1 < arg2)) Fail(Describe(message, args) + "expected " + arg1 + " < " + arg2);
        }

        public static void GreaterOrEqual(long arg1, long arg2) { GreaterOrEqual(arg1, arg2, null); }

        public static void GreaterOrEqual(long arg1, long arg2, string message, params object[] args)
        {
            if (!(arg1 >= arg2)) Fail(Describe(message, args) + "expected " + arg1 + " >= " + arg2);
        }

        public static TActual Throws<TActual>(TestDelegate code) where TActual : Exception
        {
            return Throws<TActual>(code, null);
        }

        public static TActual Throws<TActual>(TestDelegate code, string message, params object[] args) where TActual : Exception
        {
            try
            {
                code();
            }
            catch (Exception e)
            {
                if (e.GetType() == typeof(TActual)) return (TActual)e;
                Fail(Describe(message, args) + "expected " + typeof(TActual).Name + " but got " + e.GetType().Name + ": " + e.Message);
            }
            Fail(Describe(message, args) + "expected " + typeof(TActual).Name + " but nothing was thrown");
            return null;
        }

        public static void Fail(string message) { throw new AssertionException(message); }

        public static void Ignore(string message) { throw new IgnoreException(message); }

        private static bool Same(object expected, object actual)
        {
            if (expected == null || actual == null) return expected == null && actual == null;
            if (IsNumber(expected) && IsNumber(actual)) return Convert.ToDecimal(expected) == Convert.ToDecimal(actual);
            return EqualityComparer<object>.Default.Equals(expected, actual);
        }

        private static bool IsNumber(object o)
        {
            return o is byte || o is sbyte || o is short || o is ushort || o is int || o is uint || o is long || o is ulong;
        }

        internal static string Show(object o)
        {
            if (o == null) return "null";
            if (o is string) return "\"" + o + "\"";
            return o.ToString();
        }

        internal static string Describe(string message, object[] args)
        {
            if (string.IsNullOrEmpty(message)) return "";
            return (args != null && args.Length > 0 ? string.Format(message, args) : message) + ": ";
        }
    }

    public static class StringAssert
    {
        public static void Contains(string expected, string actual) { Contains(expected, actual, null); }

        public static void Contains(string expected, string actual, string message, params object[] args)
        {
            if (actual == null || !actual.Contains(expected))
                Assert.Fail(Assert.Describe(message, args) + "expected a string containing " + Assert.Show(expected) + " but was " + Assert.Show(actual));
        }
    }
}
