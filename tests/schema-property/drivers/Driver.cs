// Drives generated C# for the property test over random schemas.
//
// Usage: mono Driver.exe CASES_FILE
// Each line of CASES_FILE is one message: "NAMESPACE FINGERPRINT EXPECTED_HEX TOKENS...",
// NAMESPACE being the schema file's namespace in lower case without '_' (the class is
// the one of that namespace whose Fingerprint constant is FINGERPRINT). The driver builds
// the value the tokens describe through reflection on the generated class's fields, writes
// it, checks the bytes against EXPECTED_HEX (the reference codec's encoding), reads
// EXPECTED_HEX back and checks the value. One output line per input line: "ok" or
// "FAIL <what went wrong>". Compiled once per batch of schemas with every generated file
// and the SharedMemory stub of pusm-codegen's tests.

using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using PythonUnitySharedMemory;

public sealed class Node
{
    public char Tag;
    public string Rest;
    public List<Node> Children = new List<Node>();
}

public static class Driver
{
    private static int _at;

    private static Node Parse(string[] words)
    {
        var word = words[_at++];
        var node = new Node { Tag = word[0], Rest = word.Substring(1) };
        int count = 0;
        switch (node.Tag)
        {
            case 'L':
            case 'A':
                count = int.Parse(node.Rest);
                break;
            case 'O':
                count = 1;
                break;
            case 'S':
                count = int.Parse(node.Rest.Split(':')[3]);
                break;
        }
        for (int i = 0; i < count; i++)
        {
            node.Children.Add(Parse(words));
        }
        return node;
    }

    private static byte[] Hex(string text)
    {
        var bytes = new byte[text.Length / 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = Convert.ToByte(text.Substring(2 * i, 2), 16);
        }
        return bytes;
    }

    private static string ToHex(byte[] bytes)
    {
        return BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();
    }

    private static string Key(string ns)
    {
        return (ns ?? "").ToLowerInvariant().Replace("_", "").Replace("@", "");
    }

    /// The fields a struct's value is made of, in declaration order.
    private static List<FieldInfo> Fields(Type type, int count)
    {
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance).ToList();
        if (fields.Count != count)
        {
            throw new Exception(type.FullName + " has " + fields.Count + " public fields, the schema " + count);
        }
        return fields;
    }

    private static object Build(Type type, Node node)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        switch (node.Tag)
        {
            case 'N':
                return null;
            case 'O':
                return Build(nullable ?? type, node.Children[0]);
            case 'T':
                return true;
            case 'F':
                return false;
            case 'i':
                return int.Parse(node.Rest);
            case 'f':
                return BitConverter.ToSingle(Hex(node.Rest), 0);
            case 's':
                return Encoding.UTF8.GetString(Hex(node.Rest));
            case 'y':
                return Hex(node.Rest);
            case 'E':
                return Enum.ToObject(type, int.Parse(node.Rest.Split(':')[2]));
            case 'L':
                {
                    var list = (IList)Activator.CreateInstance(type);
                    var element = type.GetGenericArguments()[0];
                    foreach (var child in node.Children) list.Add(Build(element, child));
                    return list;
                }
            case 'A':
                {
                    var element = type.GetElementType();
                    if (element == null) throw new Exception(type.FullName + " is not an array");
                    var array = Array.CreateInstance(element, node.Children.Count);
                    for (int i = 0; i < node.Children.Count; i++) array.SetValue(Build(element, node.Children[i]), i);
                    return array;
                }
            case 'S':
                {
                    var value = Activator.CreateInstance(type);
                    var fields = Fields(type, node.Children.Count);
                    for (int i = 0; i < fields.Count; i++) fields[i].SetValue(value, Build(fields[i].FieldType, node.Children[i]));
                    return value;
                }
        }
        throw new Exception("unknown token " + node.Tag);
    }

    /// Null when value is what node describes, else where it differs.
    private static string Compare(Type type, Node node, object value, string path)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        switch (node.Tag)
        {
            case 'N':
                return value == null ? null : path + ": expected null, found " + value;
            case 'O':
                if (value == null) return path + ": expected a value, found null";
                return Compare(nullable ?? type, node.Children[0], value, path);
            case 'T':
            case 'F':
                return value is bool && (bool)value == (node.Tag == 'T') ? null : path + ": expected " + node.Tag + ", found " + value;
            case 'i':
                return value is int && (int)value == int.Parse(node.Rest) ? null : path + ": expected " + node.Rest + ", found " + value;
            case 'f':
                return value is float && ToHex(BitConverter.GetBytes((float)value)) == node.Rest ? null : path + ": expected float bits " + node.Rest + ", found " + value;
            case 's':
                return value is string && (string)value == Encoding.UTF8.GetString(Hex(node.Rest)) ? null : path + ": expected string " + node.Rest + ", found " + value;
            case 'y':
                return value is byte[] && ToHex((byte[])value) == node.Rest ? null : path + ": expected bytes " + node.Rest;
            case 'E':
                return value != null && value.GetType() == (nullable ?? type) && Convert.ToInt32(value) == int.Parse(node.Rest.Split(':')[2]) ? null : path + ": expected enum " + node.Rest + ", found " + value;
            case 'L':
            case 'A':
                {
                    var items = value as IList;
                    if (items == null || items.Count != node.Children.Count) return path + ": expected " + node.Children.Count + " elements";
                    var element = type.IsArray ? type.GetElementType() : type.GetGenericArguments()[0];
                    for (int i = 0; i < items.Count; i++)
                    {
                        var wrong = Compare(element, node.Children[i], items[i], path + "[" + i + "]");
                        if (wrong != null) return wrong;
                    }
                    return null;
                }
            case 'S':
                {
                    if (value == null || value.GetType() != type) return path + ": expected a " + type.FullName + ", found " + value;
                    var fields = Fields(type, node.Children.Count);
                    for (int i = 0; i < fields.Count; i++)
                    {
                        var wrong = Compare(fields[i].FieldType, node.Children[i], fields[i].GetValue(value), path + "." + fields[i].Name);
                        if (wrong != null) return wrong;
                    }
                    return null;
                }
        }
        return path + ": unknown token " + node.Tag;
    }

    private static Type Find(string ns, uint fingerprint)
    {
        var found = typeof(Driver).Assembly.GetTypes().Where(type =>
        {
            if (!type.IsClass || Key(type.Namespace) != ns) return false;
            var field = type.GetField("Fingerprint", BindingFlags.Public | BindingFlags.Static);
            return field != null && field.IsLiteral && Convert.ToUInt32(field.GetRawConstantValue()) == fingerprint;
        }).ToList();
        if (found.Count != 1) throw new Exception(found.Count + " classes of namespace " + ns + " have Fingerprint 0x" + fingerprint.ToString("X8"));
        return found[0];
    }

    private static MethodInfo Method(Type type, string name, bool isStatic)
    {
        var flags = BindingFlags.Public | (isStatic ? BindingFlags.Static : BindingFlags.Instance);
        var method = type.GetMethods(flags).FirstOrDefault(m =>
            m.Name == name && m.GetParameters().Length == 2
            && m.GetParameters()[0].ParameterType == typeof(SharedMemory)
            && m.GetParameters()[1].ParameterType == typeof(int));
        if (method == null) throw new Exception(type.FullName + " has no " + name + "(SharedMemory, int)");
        return method;
    }

    private static string Check(string line)
    {
        var words = line.Split(' ');
        var type = Find(words[0], Convert.ToUInt32(words[1], 16));
        var expected = Hex(words[2].Substring(1)); // "x" and the hex: never an empty word
        _at = 0;
        var node = Parse(words.Skip(3).ToArray());
        var value = Build(type, node);
        // At offset 3, so that generated code must add the offset it is given.
        var sm = new SharedMemory("pusm-property", expected.Length + 8, true, 0f);
        int end = (int)Method(type, "Write", false).Invoke(value, new object[] { sm, 3 });
        var written = sm.ReadBytes(3, Math.Max(0, end - 3)).Item1;
        if (end != 3 + expected.Length || ToHex(written) != ToHex(expected))
        {
            return "write gave " + ToHex(written) + " (end " + end + "), the reference " + ToHex(expected);
        }
        var input = new SharedMemory("pusm-property", expected.Length + 4, true, 0f);
        input.WriteBytes(0, new byte[] { 0xAA, 0xAA, 0xAA }.Concat(expected).Concat(new byte[] { 0xEE }).ToArray());
        var (back, backEnd) = Result(Method(type, "Read", true).Invoke(null, new object[] { input, 3 }));
        if (backEnd != 3 + expected.Length) return "read ended at " + (backEnd - 3) + ", the message has " + expected.Length + " bytes";
        var wrong = Compare(type, node, back, type.Name);
        if (wrong != null) return "read back another value: " + wrong;

        var checkedSm = new SharedMemory("pusm-property", expected.Length + 4, true, 0f);
        end = (int)Method(type, "WriteChecked", false).Invoke(value, new object[] { checkedSm, 0 });
        var fingerprint = BitConverter.GetBytes(Convert.ToUInt32(words[1], 16));
        if (end != 4 + expected.Length || ToHex(checkedSm.ReadBytes(0, end).Item1) != ToHex(fingerprint.Concat(expected).ToArray()))
        {
            return "WriteChecked gave " + ToHex(checkedSm.ReadBytes(0, Math.Max(0, Math.Min(end, expected.Length + 4))).Item1);
        }
        (back, backEnd) = Result(Method(type, "ReadChecked", true).Invoke(null, new object[] { checkedSm, 0 }));
        wrong = Compare(type, node, back, type.Name);
        if (wrong != null || backEnd != 4 + expected.Length) return "ReadChecked gave another value or end (" + backEnd + "): " + wrong;
        return null;
    }

    /// The (value, end) a generated Read returns.
    private static (object, int) Result(object result)
    {
        var parts = result.GetType().GetFields();
        return (parts[0].GetValue(result), (int)parts[1].GetValue(result));
    }

    public static void Main(string[] args)
    {
        foreach (var line in File.ReadAllLines(args[0]))
        {
            if (line.Trim().Length == 0) continue;
            string wrong;
            try
            {
                wrong = Check(line);
            }
            catch (Exception error)
            {
                while (error is TargetInvocationException && error.InnerException != null) error = error.InnerException;
                wrong = error.GetType().Name + ": " + error.Message.Replace("\n", " | ");
            }
            Console.WriteLine(wrong == null ? "ok" : "FAIL " + wrong);
        }
    }
}
