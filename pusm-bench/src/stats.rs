//! Recorded samples and their percentiles.

use std::time::Duration;

use serde::Serialize;

/// Timings recorded one by one (one round trip, or one batch divided by its
/// size), in nanoseconds.
#[derive(Debug, Clone, Default)]
pub struct Samples(Vec<f64>);

impl Samples {
    /// No samples yet, with room for `n`.
    pub fn with_capacity(n: usize) -> Self {
        Samples(Vec::with_capacity(n))
    }

    /// Records one sample (nanoseconds, or the unit of the figure).
    pub fn push_value(&mut self, ns: f64) {
        self.0.push(ns);
    }

    /// Records one sample.
    pub fn push(&mut self, elapsed: Duration) {
        self.0.push(elapsed.as_nanos() as f64);
    }

    /// p50, p99 and the rest; `None` without samples.
    pub fn summary(&self) -> Option<Summary> {
        if self.0.is_empty() {
            return None;
        }
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
        Some(Summary {
            n: sorted.len(),
            p50: percentile(&sorted, 50.0),
            p99: percentile(&sorted, 99.0),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            mean,
        })
    }
}

/// The nearest-rank percentile `p` (0 to 100) of sorted, non-empty samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The distribution of a set of samples, in the samples' unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// How many samples.
    pub n: usize,
    /// The median.
    pub p50: f64,
    /// The 99th percentile (nearest rank).
    pub p99: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// The arithmetic mean.
    pub mean: f64,
}

impl Summary {
    /// A distribution of one value (a figure that is not a set of samples).
    #[cfg(test)]
    pub fn single(value: f64) -> Self {
        Summary {
            n: 1,
            p50: value,
            p99: value,
            min: value,
            max: value,
            mean: value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples = Samples::default();
        for ns in (1..=100).rev() {
            samples.push_value(f64::from(ns));
        }
        let summary = samples.summary().unwrap();
        assert_eq!((summary.p50, summary.p99), (50.0, 99.0));
        assert_eq!((summary.min, summary.max, summary.n), (1.0, 100.0, 100));
        assert!(Samples::default().summary().is_none());
    }
}
