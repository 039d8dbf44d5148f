//! Rows, targets, and the one table (text, Markdown or JSON) they make.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::json;

use crate::stats::Summary;

/// What a figure measures, which decides how it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Nanoseconds per operation (a round trip, a message, a call).
    Time,
    /// Percent of one core.
    CpuPercent,
    /// Nanoseconds per copy of `bytes` bytes, printed with the throughput.
    Copy {
        /// The size of one copy.
        bytes: u64,
    },
}

impl Kind {
    /// The unit of the numbers in the JSON output.
    fn unit(self) -> &'static str {
        match self {
            Kind::Time | Kind::Copy { .. } => "ns",
            Kind::CpuPercent => "percent_of_one_core",
        }
    }
}

/// One side's figure: a distribution of samples and how to print it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// What the samples measure.
    pub kind: Kind,
    /// Their distribution.
    pub summary: Summary,
    /// Print the p99 beside the p50.
    pub show_p99: bool,
}

impl Figure {
    /// A time figure printed as "p50 (p99 ...)".
    pub fn time(summary: Summary) -> Self {
        Figure {
            kind: Kind::Time,
            summary,
            show_p99: true,
        }
    }

    /// A figure of another kind, printed with its p50 only.
    pub fn of(kind: Kind, summary: Summary) -> Self {
        Figure {
            kind,
            summary,
            show_p99: false,
        }
    }

    fn cell(&self) -> String {
        let p50 = self.summary.p50;
        match self.kind {
            Kind::Time if self.show_p99 => {
                format!("{} (p99 {})", format_ns(p50), format_ns(self.summary.p99))
            }
            Kind::Time => format_ns(p50),
            Kind::CpuPercent => format!("{p50:.2}% of a core"),
            Kind::Copy { bytes } => {
                let gib_per_s = bytes as f64 / (p50 / 1e9) / f64::from(1u32 << 30);
                format!("{} ({gib_per_s:.1} GiB/s)", format_ns(p50))
            }
        }
    }
}

/// `1234.0` -> `1.23 µs`.
pub fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// What pusm's figure must achieve against the baseline of the same run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// pusm's p50 divided by the baseline's p50 is at most this.
    TimeRatioAtMost(f64),
    /// pusm takes less time than the baseline.
    Faster,
    /// The baseline's p50 divided by pusm's is at least this.
    SpeedupAtLeast(f64),
    /// pusm's throughput is at least this fraction of the baseline's.
    ThroughputAtLeast(f64),
    /// pusm's p50 is at most this value, in the unit of `Kind`.
    AtMost(f64, Kind),
    /// No target: reported for information.
    Info,
}

impl Target {
    /// [`ratio`](Target::ratio) of the p50s of two figures.
    fn compare(self, pusm: &Figure, baseline: &Figure) -> (f64, String, &'static str) {
        self.ratio(pusm.kind, pusm.summary.p50, baseline.summary.p50)
    }

    /// The ratio shown in the table and how it reads; `kind` is the
    /// figures' (copies are compared by throughput, targets or not).
    fn ratio(self, kind: Kind, pusm: f64, baseline: f64) -> (f64, String, &'static str) {
        let throughput = match self {
            Target::ThroughputAtLeast(_) => true,
            Target::Info => matches!(kind, Kind::Copy { .. }),
            _ => false,
        };
        match self {
            Target::SpeedupAtLeast(_) => {
                let r = baseline / pusm;
                (r, format!("{r:.1}x faster"), "baseline_p50 / pusm_p50")
            }
            _ if throughput => {
                let r = baseline / pusm;
                (
                    r,
                    format!("{r:.2}x"),
                    "pusm throughput / baseline throughput",
                )
            }
            _ => {
                let r = pusm / baseline;
                (r, format!("{r:.2}x"), "pusm_p50 / baseline_p50")
            }
        }
    }

    fn describe(self) -> String {
        match self {
            Target::TimeRatioAtMost(x) => format!("≤ {x}x"),
            Target::Faster => "< 1x".to_owned(),
            Target::SpeedupAtLeast(x) => format!("≥ {x}x faster"),
            Target::ThroughputAtLeast(x) => format!("≥ {x}x"),
            Target::AtMost(v, kind) => match kind {
                Kind::CpuPercent => format!("≤ {v}% of a core"),
                _ => format!("≤ {}", format_ns(v)),
            },
            Target::Info => "—".to_owned(),
        }
    }

    fn met(self, ratio: f64, pusm: f64) -> Option<bool> {
        match self {
            Target::TimeRatioAtMost(x) => Some(ratio <= x),
            Target::Faster => Some(ratio < 1.0),
            Target::SpeedupAtLeast(x) | Target::ThroughputAtLeast(x) => Some(ratio >= x),
            Target::AtMost(v, _) => Some(pusm <= v),
            Target::Info => None,
        }
    }
}

/// How a row came out.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Both sides were measured in this run.
    Measured {
        /// pusm's figure.
        pusm: Figure,
        /// The baseline's figure.
        baseline: Figure,
    },
    /// A tool the row needs is missing (the reason says which).
    Skipped(String),
    /// The figures come from another command that has not been run.
    NotRun(String),
    /// The measurement failed; the message says why.
    Failed(String),
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The number of the measurement in the issue (1 to 6).
    pub issue: u8,
    /// A stable name for scripts and tests.
    pub key: &'static str,
    /// What is measured.
    pub label: String,
    /// What the baseline is.
    pub baseline: &'static str,
    /// What pusm must achieve.
    pub target: Target,
    /// The figures, or why there are none.
    pub outcome: Outcome,
}

/// The verdict of a row, as printed in the last column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The target is met.
    Met,
    /// The target is missed.
    Missed,
    /// No target.
    Info,
    /// Not measured: a tool is missing.
    Skipped,
    /// Not measured: another command makes these figures.
    NotRun,
    /// The measurement failed.
    Error,
}

impl Row {
    /// The row's verdict.
    pub fn verdict(&self) -> Verdict {
        match &self.outcome {
            Outcome::Measured { pusm, baseline } => {
                let (ratio, _, _) = self.target.compare(pusm, baseline);
                match self.target.met(ratio, pusm.summary.p50) {
                    Some(true) => Verdict::Met,
                    Some(false) => Verdict::Missed,
                    None => Verdict::Info,
                }
            }
            Outcome::Skipped(_) => Verdict::Skipped,
            Outcome::NotRun(_) => Verdict::NotRun,
            Outcome::Failed(_) => Verdict::Error,
        }
    }

    fn cells(&self) -> [String; 7] {
        let target = self.target.describe();
        let (pusm, baseline, ratio, result) = match &self.outcome {
            Outcome::Measured { pusm, baseline } => {
                let (_, ratio, _) = self.target.compare(pusm, baseline);
                let result = match self.verdict() {
                    Verdict::Met => "met",
                    Verdict::Missed => "MISSED",
                    _ => "info",
                };
                (pusm.cell(), baseline.cell(), ratio, result.to_owned())
            }
            Outcome::Skipped(why) | Outcome::NotRun(why) => {
                let dash = || "—".to_owned();
                (dash(), dash(), dash(), why.clone())
            }
            Outcome::Failed(why) => {
                let dash = || "—".to_owned();
                (dash(), dash(), dash(), format!("error: {why}"))
            }
        };
        [
            self.issue.to_string(),
            self.label.clone(),
            pusm,
            baseline,
            ratio,
            target,
            result,
        ]
    }

    fn to_json(&self) -> serde_json::Value {
        let mut row = json!({
            "issue": self.issue,
            "key": self.key,
            "measurement": self.label,
            "baseline_is": self.baseline,
            "target": self.target.describe(),
            "result": self.verdict(),
        });
        match &self.outcome {
            Outcome::Measured { pusm, baseline } => {
                let (ratio, _, meaning) = self.target.compare(pusm, baseline);
                row["unit"] = json!(pusm.kind.unit());
                if let Kind::Copy { bytes } = pusm.kind {
                    row["bytes_per_copy"] = json!(bytes);
                }
                row["pusm"] = json!(pusm.summary);
                row["baseline"] = json!(baseline.summary);
                row["ratio"] = json!(ratio);
                row["ratio_is"] = json!(meaning);
            }
            Outcome::Skipped(why) | Outcome::NotRun(why) | Outcome::Failed(why) => {
                row["reason"] = json!(why);
            }
        }
        row
    }
}

const HEADERS: [&str; 7] = [
    "#",
    "measurement",
    "pusm",
    "baseline",
    "ratio",
    "target",
    "result",
];

/// The whole table: every row, and notes printed under it.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The rows, in the issue's order.
    pub rows: Vec<Row>,
    /// Lines printed under the table (the machine, the load, where figures come from).
    pub notes: Vec<String>,
}

impl Report {
    /// The table as aligned plain text.
    pub fn text(&self) -> String {
        let rows: Vec<[String; 7]> = self.rows.iter().map(Row::cells).collect();
        let mut widths = HEADERS.map(|h| h.chars().count());
        for cells in &rows {
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String; 7], out: &mut String| {
            let mut text = String::new();
            for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                if i + 1 < cells.len() {
                    text.push_str(&" ".repeat(width - cell.chars().count()));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        let mut out = String::new();
        line(&HEADERS.map(str::to_owned), &mut out);
        let rule: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
        out.push_str(&"-".repeat(rule));
        out.push('\n');
        for cells in &rows {
            line(cells, &mut out);
        }
        self.push_notes(&mut out);
        out
    }

    /// The table as Markdown (for `docs/PERFORMANCE.md`).
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(HEADERS.len()));
        for row in &self.rows {
            let cells = row.cells().map(|c| c.replace('|', "\\|"));
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        self.push_notes(&mut out);
        out
    }

    fn push_notes(&self, out: &mut String) {
        if !self.notes.is_empty() {
            out.push('\n');
            for note in &self.notes {
                let _ = writeln!(out, "{note}");
            }
        }
    }

    /// The table as JSON, with every sample summary.
    pub fn json(&self, extra: serde_json::Value) -> serde_json::Value {
        json!({
            "rows": self.rows.iter().map(Row::to_json).collect::<Vec<_>>(),
            "notes": self.notes,
            "run": extra,
        })
    }

    /// True when a measurement failed.
    pub fn has_errors(&self) -> bool {
        self.rows.iter().any(|row| row.verdict() == Verdict::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(target: Target, pusm: f64, baseline: f64) -> Row {
        Row {
            issue: 1,
            key: "k",
            label: "thing".to_owned(),
            baseline: "other",
            target,
            outcome: Outcome::Measured {
                pusm: Figure::time(Summary::single(pusm)),
                baseline: Figure::time(Summary::single(baseline)),
            },
        }
    }

    #[test]
    fn verdicts_follow_the_targets() {
        assert_eq!(
            row(Target::TimeRatioAtMost(1.5), 150.0, 100.0).verdict(),
            Verdict::Met
        );
        assert_eq!(
            row(Target::TimeRatioAtMost(1.5), 151.0, 100.0).verdict(),
            Verdict::Missed
        );
        assert_eq!(
            row(Target::SpeedupAtLeast(5.0), 20.0, 100.0).verdict(),
            Verdict::Met
        );
        assert_eq!(
            row(Target::ThroughputAtLeast(0.8), 130.0, 100.0).verdict(),
            Verdict::Missed
        );
        assert_eq!(row(Target::Faster, 99.0, 100.0).verdict(), Verdict::Met);
        assert_eq!(
            row(Target::AtMost(3000.0, Kind::Time), 2999.0, 1.0).verdict(),
            Verdict::Met
        );
        assert_eq!(row(Target::Info, 1.0, 1.0).verdict(), Verdict::Info);
    }

    #[test]
    fn copies_compare_throughputs_even_without_a_target() {
        let copy = Kind::Copy { bytes: 1 << 20 };
        // pusm takes 2 ms where the baseline takes 1 ms: half its throughput.
        for target in [Target::ThroughputAtLeast(0.8), Target::Info] {
            let (ratio, text, meaning) = target.ratio(copy, 2e6, 1e6);
            assert_eq!((ratio, text.as_str()), (0.5, "0.50x"));
            assert_eq!(meaning, "pusm throughput / baseline throughput");
        }
        let (ratio, _, meaning) = Target::Info.ratio(Kind::Time, 2e6, 1e6);
        assert_eq!((ratio, meaning), (2.0, "pusm_p50 / baseline_p50"));
    }

    #[test]
    fn the_text_table_has_one_line_per_row() {
        let report = Report {
            rows: vec![
                row(Target::Info, 1500.0, 1000.0),
                Row {
                    outcome: Outcome::Skipped("skipped (no mono)".to_owned()),
                    ..row(Target::Info, 1.0, 1.0)
                },
            ],
            notes: vec!["note".to_owned()],
        };
        let text = report.text();
        assert!(text.contains("1.50 µs (p99 1.50 µs)"), "{text}");
        assert!(text.contains("skipped (no mono)"), "{text}");
        assert_eq!(text.lines().count(), 2 + 2 + 2);
    }
}
