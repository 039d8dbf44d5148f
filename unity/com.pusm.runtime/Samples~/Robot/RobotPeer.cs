// The Unity side of pusm's robot demo, with the classes generated from robot.pusm (and the
// common.pusm it imports): every physics step it sends one Robot.Observation and, once the
// Python agent has answered, applies its Robot.Action, without ever blocking the frame.
//
// Generating the C#: with the pusm package's importer, Unity runs pusm-codegen on the .pusm files
// of this sample as soon as it is imported, and writes Robot.cs and Common.cs beside them. The
// generator ships in the `pusm` Python wheel:
//
//     pip install pusm          # then Tools > pusm > Generate C# (or reimport the .pusm files)
//
// The Python side (the same schemas, generated for Python, and the `pusm` runtime):
//
//     pusm-codegen --python generated robot.pusm
//     # agent.py
//     import sys; sys.path.insert(0, "generated")
//     from pusm import SharedMemory
//     from robot import Action, Command, Observation
//     from common import Vec3
//     sm = SharedMemory("robot", 0, False, 30, role="python")   # join; Unity created it
//     while True:
//         obs, _ = Observation.read_checked(sm, 0)
//         Action(command=Command.MOVE, force=Vec3(x=1.0, y=0.0, z=0.0)).write_checked(sm, 0)
//         sm.give_control(wait=False)
//
// This file lives under Samples~ and is only compiled once imported into a project
// (Package Manager > pusm > Samples > Robot > Import).
using PythonUnitySharedMemory;
using Robot;
using UnityEngine;

public class RobotPeer : MonoBehaviour
{
    public string prefix = "robot";
    [Tooltip("Initial size of the data file in bytes; it grows when an observation outgrows it.")]
    public int capacity = 1024;
    [Tooltip("Seconds to wait for the agent; 0 or less waits forever.")]
    public float timeout = 30f;

    private SharedMemory _sm;
    private readonly Observation _observation = new Observation();
    private readonly Action _action = new Action();
    private bool _waitingForAction;
    private int _step;

    private void Start()
    {
        // Creating returns at once: this side holds control first. replaceStale: files left by a
        // crashed run are replaced (a live conversation under the same name is refused).
        _sm = new SharedMemory(prefix, capacity, true, timeout, Role.Unity, WaitStrategy.Adaptive, true);
    }

    private void Update()
    {
        if (_sm == null) return;
        try
        {
            if (!_sm.PollUnblocked()) return; // the agent's turn: look again next frame
            if (_waitingForAction)
            {
                _action.ReadCheckedInto(_sm, 0); // into the same instance: no allocation per step
                Apply(_action);
            }
            Observe(_observation);
            int needed = 4 + _observation.EncodedLength(); // WriteChecked adds a 4-byte fingerprint
            if (needed > _sm.Capacity) _sm.Resize(Mathf.NextPowerOfTwo(needed)); // the agent follows
            _observation.WriteChecked(_sm, 0);
            _sm.GiveControl(false);
            _waitingForAction = true;
        }
        catch (PusmException e) // PeerClosedException, PeerDiedException, a schema mismatch, ...
        {
            Debug.LogWarning("pusm: " + e.Message);
            _sm = null; // the instance is closed
        }
    }

    private void Observe(Observation o)
    {
        o.Step = _step++;
        o.Done = false;
        o.Reward = 0f;
        Vector3 p = transform.position;
        o.Position.X = p.x;
        o.Position.Y = p.y;
        o.Position.Z = p.z;
        o.Name = gameObject.name;
        o.Team = Common.Team.Blue;
    }

    private void Apply(Action action)
    {
        if (action.Command == Command.Move)
            transform.position += new Vector3(action.Force.X, action.Force.Y, action.Force.Z) * Time.deltaTime;
    }

    private void OnDestroy()
    {
        // Close sets the closed flag: the agent's next call raises PeerClosedError.
        if (_sm != null) _sm.Close();
        _sm = null;
    }
}
