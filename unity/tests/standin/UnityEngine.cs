// A stand-in for the few UnityEngine types the pusm Editor scripts use, so that they compile
// and run under mcs/mono in CI (unity/tests/run.sh). Not shipped: Unity provides the real ones.
using System.Collections.Generic;

namespace UnityEngine
{
    public class Object
    {
        public string name = "";
    }

    public class TextAsset : Object
    {
        private readonly string _text;

        public TextAsset(string text) { _text = text; }

        public string text { get { return _text; } }
    }

    public static class Debug
    {
        /// <summary>Everything logged, "LOG ...", "WARNING ..." or "ERROR ...", for the tests to check.</summary>
        public static readonly List<string> Logged = new List<string>();

        public static void Log(object message) { Logged.Add("LOG " + message); }

        public static void LogWarning(object message) { Logged.Add("WARNING " + message); }

        public static void LogError(object message) { Logged.Add("ERROR " + message); }
    }

    public static class Application
    {
        /// <summary>The project's Assets folder (settable here; read-only in Unity).</summary>
        public static string dataPath = "";
    }
}

namespace UnityEngine
{
    // Enough of the scene API for the package's samples to compile against.
    public struct Vector3
    {
        public float x, y, z;

        public Vector3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; }

        public static Vector3 operator +(Vector3 a, Vector3 b) { return new Vector3(a.x + b.x, a.y + b.y, a.z + b.z); }

        public static Vector3 operator *(Vector3 a, float d) { return new Vector3(a.x * d, a.y * d, a.z * d); }
    }

    public class Transform
    {
        public Vector3 position;
    }

    public class GameObject : Object
    {
    }

    public class Component : Object
    {
        public Transform transform = new Transform();
        public GameObject gameObject = new GameObject();
    }

    public class Behaviour : Component
    {
        public bool enabled = true;
    }

    public class MonoBehaviour : Behaviour
    {
    }

    [System.AttributeUsage(System.AttributeTargets.Field)]
    public sealed class TooltipAttribute : System.Attribute
    {
        public readonly string tooltip;

        public TooltipAttribute(string tooltip) { this.tooltip = tooltip; }
    }

    public static class Time
    {
        public static float time;
        public static float deltaTime = 0.02f;
        public static int frameCount;
    }

    public static class Mathf
    {
        public static int NextPowerOfTwo(int value)
        {
            int power = 1;
            while (power < value && power > 0) power <<= 1;
            return power;
        }
    }
}
