// Minimal scene script: attach to any GameObject. It creates the shared memory "my-file" (this
// side holds control first), writes one message per turn and hands control to the Python side,
// without ever blocking the frame: PollUnblocked() returns false while Python holds control.
//
// Python side, started after pressing Play: pusm's Python runtime (`pip install pusm`; the
// original python_unity_shared_memory package works the same way with its own import). For
// typed messages generated from a schema instead of fixed offsets, see the Robot sample.
//
//     from pusm import SharedMemory
//     sm = SharedMemory("my-file", 1024, False, 30, role="python")
//     while True:
//         step, offset = sm.read_int32(0)
//         t, offset = sm.read_float32(offset)
//         text, offset = sm.read_string(offset)
//         sm.write_int32(512, step * 2)          # the answer
//         sm.give_control(wait=False)
//
// This file lives under Samples~ and is only compiled once imported into a project
// (Package Manager > pusm > Samples > Import).
using PythonUnitySharedMemory;
using UnityEngine;

public class MinimalPeer : MonoBehaviour
{
    public string prefix = "my-file";
    public int capacity = 1024;
    [Tooltip("Seconds to wait for the peer; 0 or less waits forever.")]
    public float timeout = 30f;
    [Tooltip("Replace files left by a crashed run instead of failing.")]
    public bool replaceStale = true;

    private SharedMemory _sm;
    private int _step;

    private void Start()
    {
        // createNew: true returns at once (the creator holds control first). A joiner
        // (createNew: false) would block here until the creator gives it control.
        _sm = new SharedMemory(prefix, capacity, true, timeout, Role.Unity, WaitStrategy.Adaptive, replaceStale);
    }

    private void Update()
    {
        if (_sm == null) return;
        try
        {
            if (!_sm.PollUnblocked()) return; // Python's turn: try again next frame

            if (_step > 0)
            {
                (int answer, _) = _sm.ReadInt32(512);
                Debug.Log("Python answered " + answer);
            }
            int offset = 0;
            offset = _sm.WriteInt32(offset, _step++);
            offset = _sm.WriteFloat32(offset, Time.time);
            offset = _sm.WriteString(offset, "frame " + Time.frameCount);
            _sm.GiveControl(false);
        }
        catch (PusmException e) // PeerClosedException, PeerDiedException, ...
        {
            Debug.LogWarning("pusm: " + e.Message);
            _sm = null; // the instance is closed and its files deleted
        }
    }

    private void OnDestroy()
    {
        // Close sets the closed flag: Python's next call raises "peer closed" and deletes the files.
        if (_sm != null) _sm.Close();
        _sm = null;
    }
}
