//! The demo runs end to end: the Rust simulator and the C# simulator each
//! drive the Python agent, with resizes, and both report what happened.

mod support;

use support::tools::have;
use support::{assert_success, csharp_build, repo, unique_prefix, Scratch};

#[test]
fn the_rust_simulator_drives_the_python_agent() {
    if !have("python3", "the robot demo") {
        return;
    }
    let scratch = Scratch::new();
    let output = scratch
        .command(env!("CARGO_BIN_EXE_robot"))
        .args(["--steps", "600", "--prefix", &unique_prefix("robot")])
        .output()
        .expect("run the robot demo");
    assert_success("the robot demo", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("agent: 600 steps"),
        "the agent saw every step:\n{stdout}"
    );
    assert!(stdout.contains("simulator: 600 steps"), "{stdout}");
    assert!(
        !stdout.contains(" 0 resizes"),
        "the camera frames outgrew the memory:\n{stdout}"
    );
    assert!(stdout.contains("steps/s"), "{stdout}");
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

#[test]
fn the_csharp_simulator_drives_the_python_agent() {
    if !have("python3", "the robot demo")
        || !have("mcs", "the C# simulator")
        || !have("mono", "the C# simulator")
    {
        return;
    }
    let scratch = Scratch::new();
    let output = scratch
        .command("mono")
        .arg(csharp_build().join("RobotSim.exe"))
        .args(["--steps", "600", "--prefix", &unique_prefix("robot-cs")])
        .arg("--agent")
        .arg(repo().join("examples/python/agent.py"))
        .output()
        .expect("run the C# simulator");
    assert_success("the C# simulator", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("agent: 600 steps"),
        "the agent saw every step:\n{stdout}"
    );
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}
