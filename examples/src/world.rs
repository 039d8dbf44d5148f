//! The robot demo's little world: a robot that an agent steers toward a
//! target, described so that the Rust and the C# simulators behave the same.
//!
//! - The robot starts at the origin; the first target is (5, 0, 5).
//! - Each step the position moves by `force * dt` (dt = 0.05 s unless the
//!   action overrides it); the reward is minus the distance to the target.
//! - Within 0.25 of the target the step is `done` and the next target is the
//!   old one turned 90° around the y axis and scaled by 1.1.
//! - The camera frame grows from 64 bytes by 8 bytes a step, wrapping every
//!   200 steps, so that observations outgrow the memory and force resizes.

use crate::schemas::common::{Team, Vec3};
use crate::schemas::robot::{Action, Command, Observation};

/// Rays per observation.
pub const RAYS: usize = 64;
/// The step length when the agent does not choose one, in seconds.
pub const DEFAULT_DT: f32 = 0.05;
/// How close counts as "at the target".
pub const REACHED: f32 = 0.25;

/// The simulation state.
#[derive(Debug, Clone)]
pub struct World {
    step: i32,
    position: Vec3,
    target: Vec3,
    last_command: Command,
    dt: f32,
    episodes: u32,
}

impl Default for World {
    fn default() -> Self {
        World {
            step: 0,
            position: Vec3 {
                x: 0.0,
                y: 0.0,
                z: 0.0,
            },
            target: Vec3 {
                x: 5.0,
                y: 0.0,
                z: 5.0,
            },
            last_command: Command::Idle,
            dt: DEFAULT_DT,
            episodes: 0,
        }
    }
}

fn distance(a: &Vec3, b: &Vec3) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2) + (a.z - b.z).powi(2)).sqrt()
}

impl World {
    /// A world at step 0.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A world at step 0 whose first target is `target` instead of (5, 0, 5).
    #[must_use]
    pub fn with_target(target: Vec3) -> Self {
        World {
            target,
            ..Self::default()
        }
    }

    /// Episodes finished so far (steps that were `done`).
    #[must_use]
    pub fn episodes(&self) -> u32 {
        self.episodes
    }

    /// What the robot sees at this step.
    #[must_use]
    pub fn observe(&self) -> Observation {
        let to_target = distance(&self.position, &self.target);
        let corner = |dx: f32, dz: f32| Vec3 {
            x: self.position.x + dx,
            y: self.position.y,
            z: self.position.z + dz,
        };
        let camera_len = 64 + (self.step.rem_euclid(200) as usize) * 8;
        Observation {
            step: self.step,
            done: to_target < REACHED,
            reward: -to_target,
            position: self.position.clone(),
            rays: (0..RAYS).map(|i| to_target + 0.01 * i as f32).collect(),
            corners: [
                corner(-0.5, -0.5),
                corner(0.5, -0.5),
                corner(0.5, 0.5),
                corner(-0.5, 0.5),
            ],
            name: "robot-01".to_owned(),
            camera: (0..camera_len)
                .map(|i| (self.step as usize + i) as u8)
                .collect(),
            target: Some(self.target.clone()),
            last_command: self.last_command,
            team: Team::Red,
        }
    }

    /// Applies the agent's answer to `observation` and moves to the next step.
    pub fn apply(&mut self, observation: &Observation, action: &Action) {
        if observation.done {
            self.episodes += 1;
            self.target = Vec3 {
                x: self.target.z * 1.1,
                y: self.target.y,
                z: -self.target.x * 1.1,
            };
        }
        let dt = action.dt.unwrap_or(self.dt);
        self.position.x += action.force.x * dt;
        self.position.y += action.force.y * dt;
        self.position.z += action.force.z * dt;
        self.last_command = action.command;
        self.step = self.step.wrapping_add(1);
    }
}
