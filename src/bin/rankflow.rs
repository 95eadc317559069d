//! Native command-line front end of the rankflow core: `run`, `figures`, `presets`, `sweep` (and `sweep merge`),
//! `bench`, `lesson`. `rankflow --help` and `rankflow SUBCOMMAND --help` say what each takes, with examples.
//!
//! Exit codes: 0 success, 1 the run diverged, 2 bad input (usage or config; the message names the field),
//! 3 with `--check`: the claim does not hold (`lesson --answers`: a prediction no choice answers).

use clap::{Args, Parser, Subcommand};
use nalgebra::DMatrix;
use plotters::prelude::IntoDrawingArea;
use rankflow::experiment::presets;
use rankflow::experiment::sweep::{self, SweepSpec};
use rankflow::experiment::Experiment;
use rankflow::figure::{build, export, heatmap, lines, render::Style};
use rankflow::Config;
use std::process::ExitCode;
use std::time::Instant;

/// Implicit bias of gradient descent in matrix factorization: run the papers' experiments, judge their claims,
/// draw their figures.
#[derive(Parser)]
#[command(
    name = "rankflow",
    version,
    after_help = "Examples:
  rankflow presets
  rankflow run --preset incremental --out report.json --csv trajectories.csv
  rankflow run --experiment my-experiment.json --check
  rankflow figures --preset noisy-gd --out figures/ --format png
  rankflow sweep --spec sweeps/arora-2019.json --csv arora.csv --svg arora.svg

Exit codes: 0 success, 1 a run diverged, 2 bad input (the message names the field), 3 with --check: the claim
does not hold."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const RUN_EXAMPLES: &str = "Examples:
  rankflow run --preset incremental
  rankflow run --preset depth-alpha --seed 3 --out report.json
  rankflow run --config my-config.json --csv trajectories.csv --svg sigma.svg --log-steps
  rankflow run --config big.json --threads 1           (one core; default: every core above n ≈ 80)
  rankflow run --experiment my-experiment.json --check   (exit 3 when the claim fails)

A config is the JSON the page exports (Export → config); an experiment file is one preset object as
`rankflow presets --json` prints it (runs with their configs, and the claim that judges them).";

/// `run --help`: the examples, then every config field with its range and default (from the field table).
fn run_long_help() -> String {
    format!(
        "{RUN_EXAMPLES}\n\nConfig fields (dotted path in the JSON; allowed; default; what it does):\n{}\n{}",
        rankflow::fields::table_text(),
        rankflow::fields::limits_text()
    )
}

#[derive(Subcommand)]
enum Command {
    /// Run a config, a preset or an experiment file to its end; print the read-out and the claim's verdict.
    #[command(after_help = RUN_EXAMPLES, after_long_help = run_long_help())]
    Run(RunArgs),
    /// Run a preset or config to its end and write every figure the page shows for it, plus figures.json.
    #[command(after_help = "Examples:
  rankflow figures --preset incremental --out figures/
  rankflow figures --preset saddle-to-saddle --seed 2 --out figures/ --format png --width 1600 --height 900")]
    Figures(FiguresArgs),
    /// Run every preset to its end and write its σ chart and claim figure as SVG and PNG (the page's posters),
    /// handout.pdf (a page per preset: its explanation, both figures, its verdict) and index.json.
    #[command(after_help = "Examples:
  rankflow posters --out www/posters")]
    Posters(PostersArgs),
    /// List the presets (name and title), or print them as JSON (what the page receives).
    #[command(after_help = "Examples:
  rankflow presets
  rankflow presets --json > presets.json")]
    Presets {
        /// Print every preset as JSON: runs with their configs, explanation, claim.
        #[arg(long)]
        json: bool,
    },
    /// Run a grid of runs (a phase diagram or lines over seeds) on all cores; CSV and SVG out.
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:
  rankflow sweep --spec sweeps/arora-2019.json --csv arora.csv --svg arora.svg
  rankflow sweep --spec sweeps/research.json --shard 1/4 --csv part1.csv   (on four machines, then merge)
  rankflow sweep merge part1.csv part2.csv part3.csv part4.csv --csv all.csv --svg all.svg"
    )]
    Sweep(SweepArgs),
    /// Steps per second of pure stepping for a config (recording off), as one JSON line: median of timed runs.
    #[command(after_help = "Example:
  rankflow bench --config bench/n100-l3.json --reps 5 --seconds 0.5
  rankflow bench --config bench/n100-l3.json --threads 2
  rankflow bench --products --threads 2
  rankflow bench --peak")]
    Bench(BenchArgs),
    /// Lessons: list the shipped ones, print one, check a lesson file (exit 2 with the field named).
    #[command(after_help = "Examples:
  rankflow lesson                                   (the shipped lessons)
  rankflow lesson implicit-bias --json              (a lesson as the page reads it)
  rankflow lesson --check my-lesson.json            (exit 0 when valid, 2 naming the field)
  rankflow lesson --check my-lesson.json --answers  (also run each step: every prediction's answer)")]
    Lesson(LessonArgs),
}

#[derive(Args)]
struct LessonArgs {
    /// A shipped lesson by name.
    #[arg(value_name = "NAME", conflicts_with = "check")]
    name: Option<String>,
    /// A lesson file (JSON) to check.
    #[arg(long, value_name = "FILE")]
    check: Option<String>,
    /// Print the lesson as JSON.
    #[arg(long)]
    json: bool,
    /// Run every step that asks a prediction and print the choice its run makes right.
    #[arg(long)]
    answers: bool,
}

/// Exactly one of --config, --preset and --experiment.
#[derive(Args)]
#[group(required = true, multiple = false)]
struct RunSource {
    /// A config file (JSON, as the page exports it).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// A preset by name (`rankflow presets` lists them).
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// An experiment file: one preset object (runs and claim) as `rankflow presets --json` prints it.
    #[arg(long, value_name = "FILE")]
    experiment: Option<String>,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    source: RunSource,
    /// Re-seed every run of a preset or experiment (an integer in [0, 2⁵³ − 1]; a config sets its own "seed").
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    seed: Option<String>,
    /// Exit 3 when the claim does not hold, 0 when it holds (with --preset or --experiment).
    #[arg(long)]
    check: bool,
    /// Write the report (trajectories, learned steps, claim) as JSON — what the page's Export → JSON writes.
    #[arg(long, value_name = "OUT.json")]
    out: Option<String>,
    /// Write the recorded trajectories as CSV — what the page's Export → CSV writes.
    #[arg(long, value_name = "OUT.csv")]
    csv: Option<String>,
    /// Write the singular-value chart as SVG.
    #[arg(long, value_name = "CHART.svg")]
    svg: Option<String>,
    /// Draw the SVG's step axis on a log scale.
    #[arg(long)]
    log_steps: bool,
    /// Skip the convex baseline (minimum nuclear norm / trace), which some claims compare with.
    #[arg(long)]
    no_baseline: bool,
    /// Threads the run's products may use, 1..256 (default: every core). Only products and passes above a
    /// measured size split (n ≳ 80 at depth ≥ 3): smaller runs stay on one thread. The numbers are the same
    /// bit for bit on any number of threads.
    #[arg(long, value_name = "N")]
    threads: Option<String>,
}

#[derive(Args)]
struct PostersArgs {
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: String,
    /// Presets run at once, 1..64 (default: the machine's cores).
    #[arg(long, value_name = "N")]
    threads: Option<String>,
}

#[derive(Args)]
struct FiguresArgs {
    /// A preset by name.
    #[arg(long, value_name = "NAME", group = "figures_source", required = true)]
    preset: Option<String>,
    /// A config file (JSON).
    #[arg(long, value_name = "FILE", group = "figures_source", required = true)]
    config: Option<String>,
    /// Re-seed every run of the preset.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    seed: Option<String>,
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: String,
    /// svg or png.
    #[arg(long, value_name = "FORMAT", default_value = "svg")]
    format: String,
    /// Width in pixels, 200..4000.
    #[arg(long, value_name = "W", default_value = "1200")]
    width: String,
    /// Height in pixels, 200..4000.
    #[arg(long, value_name = "H", default_value = "700")]
    height: String,
    /// Skip the convex baseline.
    #[arg(long)]
    no_baseline: bool,
}

#[derive(Args)]
struct SweepArgs {
    #[command(subcommand)]
    merge: Option<SweepCommand>,
    /// The sweep spec (JSON): base config, axes, seeds, outcome.
    #[arg(long, value_name = "SWEEP.json")]
    spec: Option<String>,
    /// Write the table as CSV (default: print it).
    #[arg(long, value_name = "OUT.csv")]
    csv: Option<String>,
    /// Draw the heatmap or the lines as SVG.
    #[arg(long, value_name = "OUT.svg")]
    svg: Option<String>,
    /// Worker threads, 1..256 (default: every core).
    #[arg(long, value_name = "N")]
    threads: Option<String>,
    /// Run only shard i of N (1-based), for `sweep merge` to combine.
    #[arg(long, value_name = "i/N")]
    shard: Option<String>,
}

#[derive(Subcommand)]
enum SweepCommand {
    /// Combine shard CSVs into the unsharded table (byte for byte) and its figure.
    Merge {
        /// The shards' CSV files.
        #[arg(required = true, value_name = "PART.csv")]
        parts: Vec<String>,
        /// Write the merged table as CSV (default: print it).
        #[arg(long, value_name = "OUT.csv")]
        csv: Option<String>,
        /// Draw the merged heatmap or lines as SVG.
        #[arg(long, value_name = "OUT.svg")]
        svg: Option<String>,
    },
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct BenchWhat {
    /// The config to step (JSON).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// The product kernels instead: GFLOP/s of C = op(A)·op(B) for n×n matrices (n = 50, 100, 200, 400; the
    /// three shapes a GD step multiplies), by gemm on one thread and on --threads, matrixmultiply and the
    /// page's packed kernel, one JSON line each (the median round and the best).
    #[arg(long)]
    products: bool,
    /// The machine's peak instead: GFLOP/s of fused multiply-adds on one core, and on --threads cores at once.
    #[arg(long)]
    peak: bool,
}

#[derive(Args)]
struct BenchArgs {
    #[command(flatten)]
    what: BenchWhat,
    /// Threads the run (or the products) may use, 1..256 (default: 1, one core).
    #[arg(long, value_name = "N")]
    threads: Option<String>,
    /// Timed runs, 1..100.
    #[arg(long, value_name = "N", default_value = "5")]
    reps: String,
    /// Seconds per timed run, (0, 60].
    #[arg(long, value_name = "S", default_value = "0.5")]
    seconds: String,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and exit 0; usage errors exit 2 with clap's message.
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let result = match cli.command {
        Command::Run(args) => run_command(args),
        Command::Figures(args) => figures(args),
        Command::Posters(args) => posters(args),
        Command::Presets { json } => {
            if json {
                println!("{}", serde_json::to_string_pretty(&presets::all()).expect("presets serialize"));
            } else {
                for p in presets::all() {
                    println!("{:<18} {}", p.name, p.title);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sweep(args) => match args.merge {
            Some(SweepCommand::Merge { parts, csv, svg }) => sweep_merge(&parts, csv, svg),
            None => sweep(args),
        },
        Command::Bench(args) => bench_command(args),
        Command::Lesson(args) => lesson_command(args),
    };
    result.unwrap_or_else(|msg| {
        eprintln!("{msg}");
        ExitCode::from(2)
    })
}

enum Source {
    File(String),
    /// An experiment file (a preset object), optionally re-seeded.
    Experiment(String, Option<u64>),
    /// A preset by name, optionally re-seeded (`--seed`).
    Preset(String, Option<u64>),
}

/// The source named by --config / --preset / --experiment, with `--seed` applied.
fn source(
    config: Option<String>,
    preset: Option<String>,
    experiment: Option<String>,
    seed: Option<&str>,
) -> Result<Source, String> {
    let seed = seed.map(parse_seed).transpose()?;
    match (config, preset, experiment) {
        (Some(_), _, _) if seed.is_some() => {
            Err("--seed: only with --preset or --experiment (a config file sets its own \"seed\")".into())
        }
        (Some(path), None, None) => Ok(Source::File(path)),
        (None, Some(name), None) => Ok(Source::Preset(name, seed)),
        (None, None, Some(path)) => Ok(Source::Experiment(path, seed)),
        _ => Err("give exactly one of --config, --preset and --experiment".into()),
    }
}

fn load(source: &Source) -> Result<(String, Experiment), String> {
    match source {
        Source::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("config: cannot read {path}: {e}"))?;
            let config = Config::from_json(&text).map_err(|e| e.to_string())?;
            Ok((path.clone(), Experiment::single(config)))
        }
        Source::Preset(name, seed) => {
            let p = presets::find(name)
                .ok_or_else(|| format!("preset: unknown name {name:?}; one of {}", presets::names()))?;
            Ok((format!("preset {name}"), reseeded(p, *seed)?.experiment()))
        }
        Source::Experiment(path, seed) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("experiment: cannot read {path}: {e}"))?;
            let p = rankflow::claims::experiment_file(&text).map_err(|e| format!("{path}: {e}"))?;
            Ok((path.clone(), reseeded(p, *seed)?.experiment()))
        }
    }
}

fn reseeded(p: presets::Preset, seed: Option<u64>) -> Result<presets::Preset, String> {
    match seed {
        Some(s) => p.at_seed(s).ok_or_else(|| format!("--seed: {s} is too large for these runs")),
        None => Ok(p),
    }
}

/// `--seed S`: an integer in [0, 2⁵³ − 1].
fn parse_seed(text: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .ok()
        .filter(|s| *s <= rankflow::config::MAX_SEED)
        .ok_or_else(|| format!("--seed: expected an integer in [0, {}], got {text:?}", rankflow::config::MAX_SEED))
}

/// Writes `text` to `path`; the error names the option.
fn write(option: &str, path: &str, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{option}: cannot write {path}: {e}"))
}

fn run_command(args: RunArgs) -> Result<ExitCode, String> {
    let RunSource { config, preset, experiment } = args.source;
    let source = source(config, preset, experiment, args.seed.as_deref())?;
    if args.check && matches!(source, Source::File(_)) {
        return Err("--check: only with --preset or --experiment (a config alone states no claim)".into());
    }
    let (label, mut exp) = load(&source)?;
    let baseline = !args.no_baseline;
    let threads = threads_arg(args.threads.as_deref(), 256)?;
    let started = Instant::now();
    rankflow::kernel::threads::with(threads, || {
        while exp.running() {
            exp.advance(1 << 20);
        }
    });
    let secs = started.elapsed().as_secs_f64();
    let total: u64 = exp.members.iter().map(|m| m.run.step()).sum();
    let timing = format!("{total} steps in {secs:.2} s ({:.0} steps/s)", total as f64 / secs.max(1e-9));
    for m in &exp.members {
        let run = &m.run;
        let last = run.measure();
        let top: Vec<String> = last.singular_values.iter().take(6).map(|s| format!("{s:.4}")).collect();
        let test = last.test_error.map_or("n/a".to_string(), |t| format!("{t:.3e}"));
        let (name, steps) = if exp.members.len() == 1 {
            (label.clone(), timing.clone())
        } else {
            (format!("{label} [{}]", m.label), format!("{} steps", run.step()))
        };
        println!(
            "{name}: {steps}; loss {:.3e}; σ = [{}]; nuclear norm {:.4}; effective rank {:.3}; test error {test}",
            last.loss,
            top.join(", "),
            last.nuclear_norm,
            last.effective_rank,
        );
    }
    if exp.members.len() > 1 {
        println!("{label}: {timing}");
    }
    if baseline {
        exp.finish_baseline();
    }
    let readout = rankflow::claims::readout(&exp);
    for line in &readout.lines {
        println!("claim: {line}");
    }
    if let Some(path) = &args.out {
        write("--out", path, &rankflow::claims::report(&exp).to_string())?;
    }
    if let Some(path) = &args.csv {
        write("--csv", path, &rankflow::experiment::report::trajectories_csv(&exp))?;
    }
    if let Some(path) = &args.svg {
        let opts = build::Options { log_steps: args.log_steps, baseline, max_points: 0, cursor: None };
        let figure = rankflow::claims::drawing(&exp, "singular_values", opts)
            .expect("every experiment has a singular_values figure");
        let svg = export::to_svg(&figure, 1200, 700, Style::default()).unwrap_or_else(|e| e);
        write("--svg", path, &svg)?;
    }
    if let Some(msg) = exp.diverged() {
        eprintln!("{msg}");
        return Ok(ExitCode::from(if args.check { 3 } else { 1 }));
    }
    if args.check {
        return match readout.verdict {
            Some(v) if v.holds => Ok(ExitCode::SUCCESS),
            Some(_) => Ok(ExitCode::from(3)),
            None => Err("--check: these runs state no claim (\"claim\": null)".into()),
        };
    }
    Ok(ExitCode::SUCCESS)
}

fn bench_command(args: BenchArgs) -> Result<ExitCode, String> {
    let reps = args.reps.parse().ok().filter(|r| (1..=100).contains(r)).ok_or("--reps: expected 1..100")?;
    let seconds =
        args.seconds.parse().ok().filter(|s: &f64| *s > 0.0 && *s <= 60.0).ok_or("--seconds: expected (0, 60]")?;
    let threads = match args.threads.as_deref() {
        None => 1,
        t => threads_arg(t, 256)?,
    };
    if args.what.peak {
        let one = rankflow::kernel::peak::fma_gflops(seconds);
        let all: f64 = on_threads(threads, threads, |_| rankflow::kernel::peak::fma_gflops(seconds)).iter().sum();
        println!(
            "{}",
            serde_json::json!({"engine": "peak", "gflops_per_core": one, "threads": threads, "gflops_all": all})
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.what.products {
        products_bench(threads, reps, seconds);
        return Ok(ExitCode::SUCCESS);
    }
    let path = args.what.config.expect("clap requires one of the group");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("config: cannot read {path}: {e}"))?;
    let config = Config::from_json(&text).map_err(|e| e.to_string())?;
    Ok(rankflow::kernel::threads::with(threads, || bench(config, reps, seconds, threads)))
}

/// `bench --products`: median GFLOP/s (2n³ per product) of each kernel on each shape, one JSON line each.
fn products_bench(threads: usize, reps: usize, seconds: f64) {
    use rankflow::kernel;
    type Mul = fn(&mut DMatrix<f64>, &DMatrix<f64>, bool, &DMatrix<f64>, bool);
    let kernels: [(&str, Mul, usize); 4] = [
        ("gemm", kernel::mul, 1),
        ("gemm", kernel::mul, threads),
        ("matrixmultiply", kernel::reference_mul, 1),
        ("packed", kernel::packed_mul, 1),
    ];
    for n in [10, 20, 30, 50, 100, 200, 400] {
        let a = DMatrix::from_fn(n, n, |i, j| ((i * 7919 + j * 104_729) as f64 * 0.618_033_988_7).sin());
        let b = DMatrix::from_fn(n, n, |i, j| ((i * 104_729 + j * 7919) as f64 * 0.618_033_988_7).cos());
        let mut c = DMatrix::zeros(n, n);
        for (shape, ta, tb) in [("A·B", false, false), ("A·Bᵀ", false, true), ("Aᵀ·B", true, false)] {
            for &(name, mul, t) in &kernels {
                if t > 1 && threads == 1 {
                    continue;
                }
                let flops = 2.0 * (n as f64).powi(3) / 1e9;
                let (median, best) = kernel::threads::with(t, || rates(reps, seconds, || mul(&mut c, &a, ta, &b, tb)));
                println!(
                    "{}",
                    serde_json::json!({"engine": "product", "kernel": name, "threads": t, "n": n, "shape": shape,
                                       "gflops": median * flops, "best_gflops": best * flops})
                );
            }
        }
    }
}

/// Calls per second of `f` over `reps` timed rounds of about `seconds` / 4 each, after a warm-up round: the
/// median round and the best (the kernel's rate when the shared host lent it the whole core).
fn rates(reps: usize, seconds: f64, mut f: impl FnMut()) -> (f64, f64) {
    let mut rates = vec![];
    for round in 0..=reps {
        let (start, mut calls) = (Instant::now(), 0u64);
        while start.elapsed().as_secs_f64() < seconds / 4.0 || calls == 0 {
            f();
            calls += 1;
        }
        if round > 0 {
            rates.push(calls as f64 / start.elapsed().as_secs_f64());
        }
    }
    rates.sort_by(f64::total_cmp);
    (rates[rates.len() / 2], rates[rates.len() - 1])
}

/// Median steps/s of `reps` timed runs of about `seconds` each, after a warm-up; recording is switched off
/// (record_every = steps) so only the optimiser is timed.
fn bench(mut config: Config, reps: usize, seconds: f64, threads: usize) -> ExitCode {
    config.steps = rankflow::config::MAX_STEPS;
    config.record_every = rankflow::config::MAX_RECORD_EVERY;
    let mut run = rankflow::Run::new(config.clone());
    let t = Instant::now();
    let mut chunk = 1u64;
    while t.elapsed().as_secs_f64() < 0.2 * seconds {
        run.advance(chunk);
        chunk = (chunk * 2).min(1 << 20);
    }
    let mut rates = vec![];
    for _ in 0..reps {
        let (start, mut steps) = (Instant::now(), 0u64);
        while start.elapsed().as_secs_f64() < seconds {
            let n = run.advance(chunk.max(1));
            if n == 0 {
                eprintln!("bench: the run stopped ({:?}); use a smaller lr or more steps", run.status());
                return ExitCode::from(1);
            }
            steps += n;
        }
        rates.push(steps as f64 / start.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let (m, n) = config.dims();
    let flops =
        rankflow::config::step_flops(m, n, config.model.width.unwrap_or(n), config.model.depth, config.model.symmetric);
    println!(
        "{}",
        serde_json::json!({"engine": "native", "m": m, "n": n, "depth": config.model.depth, "threads": threads, "steps_per_s": rates[rates.len() / 2],
                            "dense_gflops": rates[rates.len() / 2] * flops / 1e9, "reps": rates})
    );
    ExitCode::SUCCESS
}

/// A phase diagram on all cores: cells are handed out one at a time to `threads` workers. With `--shard i/N`
/// only that shard's cells run (see `sweep::shard_cells`); `sweep merge` combines the shard files.
fn sweep(args: SweepArgs) -> Result<ExitCode, String> {
    let threads = threads_arg(args.threads.as_deref(), 256)?;
    let shard = args.shard.as_deref().map(sweep::parse_shard).transpose()?;
    let spec_path = args.spec.ok_or("sweep needs --spec FILE (or: rankflow sweep merge PART.csv…)")?;
    if shard.is_some() && args.svg.is_some() {
        return Err("--svg: a shard holds part of the grid; draw it after `rankflow sweep merge`".into());
    }
    let text = std::fs::read_to_string(&spec_path).map_err(|e| format!("sweep: cannot read {spec_path}: {e}"))?;
    let spec = SweepSpec::from_json(&text).map_err(|e| e.to_string())?;
    let ks: Vec<usize> = match shard {
        Some((i, n)) => sweep::shard_cells(spec.cells(), i, n),
        None => (0..spec.cells()).collect(),
    };
    let started = Instant::now();
    let cells = on_threads(ks.len(), threads, |slot| spec.run_cell(ks[slot]));
    eprintln!("sweep: {} cells in {:.2} s on {threads} threads", cells.len(), started.elapsed().as_secs_f64());
    let table = match shard {
        Some(s) => sweep::shard_csv(&spec, s, &ks.iter().copied().zip(cells.iter().cloned()).collect::<Vec<_>>()),
        None => sweep::csv(&spec, &cells),
    };
    write_or_print(args.csv.as_deref(), &table)?;
    if let Some(p) = &args.svg {
        let outcome = spec.outcome.name();
        match &spec.y {
            None => {
                let series = spec.series.as_ref().map_or("", |a| a.field.as_str());
                let points = sweep::aggregate(&cells, spec.seeds as usize);
                write_lines(p, &lines::sweep_lines(&spec.x.field, series, &outcome, spec.seeds as usize, &points))?
            }
            Some(y) => write_heatmap(
                p,
                &heatmap::PhaseDiagram {
                    title: format!("{outcome} over {} × {}", spec.x.field, y.field),
                    x_desc: spec.x.field.clone(),
                    y_desc: y.field.clone(),
                    x_labels: spec.x.values.iter().map(|v| axis_label(*v)).collect(),
                    y_labels: y.values.iter().map(|v| axis_label(*v)).collect(),
                    values: cells.iter().map(|c| c.value).collect(),
                },
            )?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `rankflow sweep merge PART.csv… [--csv OUT] [--svg OUT]`: the unsharded CSV (byte for byte) and heatmap.
fn sweep_merge(paths: &[String], csv: Option<String>, svg: Option<String>) -> Result<ExitCode, String> {
    let mut parts = vec![];
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| format!("sweep merge: cannot read {path}: {e}"))?;
        parts.push((path.clone(), text));
    }
    let merged = sweep::merge(&parts)?;
    write_or_print(csv.as_deref(), &merged.csv)?;
    let Some(p) = &svg else { return Ok(ExitCode::SUCCESS) };
    if let Some(points) = &merged.lines {
        let seeds = points.iter().map(|q| q.n).max().unwrap_or(1);
        write_lines(p, &lines::sweep_lines(&merged.x_field, &merged.y_field, &merged.outcome, seeds, points))?;
    } else {
        let label = |v: &String| v.parse::<f64>().map_or(v.clone(), axis_label);
        let diagram = heatmap::PhaseDiagram {
            title: format!("{} over {} × {}", merged.outcome, merged.x_field, merged.y_field),
            x_desc: merged.x_field.clone(),
            y_desc: merged.y_field.clone(),
            x_labels: merged.x_values.iter().map(label).collect(),
            y_labels: merged.y_values.iter().map(label).collect(),
            values: merged.values,
        };
        write_heatmap(p, &diagram)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn axis_label(v: f64) -> String {
    if v.abs() < 1e-2 && v != 0.0 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn write_or_print(path: Option<&str>, text: &str) -> Result<(), String> {
    match path {
        Some(p) => write("--csv", p, text),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn write_lines(path: &str, fig: &rankflow::figure::Figure) -> Result<(), String> {
    let svg = export::to_svg(&rankflow::figure::Drawing::Chart(fig.clone()), 900, 560, Style::default())
        .map_err(|e| format!("--svg: {e}"))?;
    write("--svg", path, &svg)
}

fn write_heatmap(path: &str, diagram: &heatmap::PhaseDiagram) -> Result<(), String> {
    export::fonts();
    let mut svg = String::new();
    {
        let area = plotters::prelude::SVGBackend::with_string(&mut svg, (900, 600)).into_drawing_area();
        let drawn = heatmap::render_heatmap(&area, diagram, Style::default());
        drawn.and_then(|_| area.present().map_err(|e| e.to_string())).map_err(|e| format!("--svg: {e}"))?;
    }
    write("--svg", path, &svg)
}

/// Runs an experiment to its end and writes every figure the page shows for it, plus `figures.json`.
fn figures(args: FiguresArgs) -> Result<ExitCode, String> {
    let source = source(args.config, args.preset, None, args.seed.as_deref())?;
    let format = args.format.as_str();
    if format != "svg" && format != "png" {
        return Err(format!("--format: expected svg or png, got {format:?}"));
    }
    let pixels = |flag: &str, value: &str| {
        value
            .parse::<u32>()
            .ok()
            .filter(|v| (200..=4000).contains(v))
            .ok_or_else(|| format!("{flag}: expected a number of pixels in 200..4000, got {value:?}"))
    };
    let (width, height) = (pixels("--width", &args.width)?, pixels("--height", &args.height)?);
    let dir = std::path::Path::new(&args.out);
    std::fs::create_dir_all(dir).map_err(|e| format!("--out: cannot create directory {}: {e}", args.out))?;
    let (_, mut exp) = load(&source)?;
    let baseline = !args.no_baseline;
    exp.run_to_end(baseline);
    let opts = build::Options { log_steps: true, baseline, max_points: 0, cursor: None };
    let mut index = vec![];
    for figure in rankflow::claims::drawings(&exp, opts) {
        let file = format!("{}.{format}", figure.id());
        let path = dir.join(&file);
        let written = if format == "png" {
            export::to_png(&figure, &path, width, height, Style::default())
        } else {
            export::to_svg(&figure, width, height, Style::default())
                .and_then(|svg| std::fs::write(&path, svg).map_err(|e| e.to_string()))
        };
        written.map_err(|e| format!("--out: cannot write {}: {e}", path.display()))?;
        index.push(
            serde_json::json!({"id": figure.id(), "title": figure.title(), "caption": figure.caption(), "file": file}),
        );
    }
    let json = serde_json::to_string_pretty(&index).expect("index serializes");
    std::fs::write(dir.join("figures.json"), json).map_err(|e| format!("--out: cannot write figures.json: {e}"))?;
    println!("{} figures in {}", index.len(), dir.display());
    if let Some(msg) = exp.diverged() {
        eprintln!("{msg}");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `--threads N` (1..=max), or every core when not given.
fn threads_arg(arg: Option<&str>, max: usize) -> Result<usize, String> {
    match arg {
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| format!("--threads: expected a whole number in 1..{max}, got {t:?}")),
    }
}

/// `f(0)`, …, `f(count − 1)` on `threads` threads, each taking the next index as it frees; results in index order.
fn on_threads<T: Send>(count: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<T>>> = (0..count).map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(count) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let result = f(i);
                *slots[i].lock().expect("not poisoned") = Some(result);
            });
        }
    });
    slots.into_iter().map(|s| s.into_inner().expect("not poisoned").expect("every index ran")).collect()
}

/// Pixel size of a poster (the page's chart at a projector's width).
const POSTER: (u32, u32) = (1200, 700);

/// `rankflow posters`: every preset's finished σ chart and claim figure, SVG and PNG, and index.json.
fn posters(args: PostersArgs) -> Result<ExitCode, String> {
    let threads = threads_arg(args.threads.as_deref(), 64)?;
    let dir = std::path::Path::new(&args.out);
    std::fs::create_dir_all(dir).map_err(|e| format!("--out: cannot create directory {}: {e}", args.out))?;
    let all = presets::all();
    let (entries, pages): (Vec<serde_json::Value>, Vec<Vec<u8>>) =
        on_threads(all.len(), threads, |i| poster(&all[i], dir))
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .unzip();
    let pdf = rankflow::shell::handout::pdf(&pages);
    std::fs::write(dir.join("handout.pdf"), pdf).map_err(|e| format!("--out: cannot write handout.pdf: {e}"))?;
    let lessons: serde_json::Map<String, serde_json::Value> = rankflow::lessons::all()
        .into_iter()
        .map(|l| (l.name, serde_json::json!(l.steps.iter().map(|s| s.preset.clone()).collect::<Vec<_>>())))
        .collect();
    let index = serde_json::json!({
        "size": [POSTER.0, POSTER.1],
        "presets": entries,
        "handout": "handout.pdf",
        "lessons": lessons,
    });
    let text = serde_json::to_string_pretty(&index).expect("index serializes");
    std::fs::write(dir.join("index.json"), text).map_err(|e| format!("--out: cannot write index.json: {e}"))?;
    println!("posters of {} presets in {}", all.len(), dir.display());
    Ok(ExitCode::SUCCESS)
}

/// One preset's posters: its σ chart and claim figure (where it has one), finished, as NAME-ID.svg and .png; and
/// its handout page (RGB samples).
fn poster(p: &presets::Preset, dir: &std::path::Path) -> Result<(serde_json::Value, Vec<u8>), String> {
    let mut exp = p.experiment();
    exp.run_to_end(true);
    let opts = build::Options { log_steps: true, baseline: true, max_points: 0, cursor: None };
    let mut figures = serde_json::Map::new();
    let mut drawn = vec![];
    for id in ["singular_values", "claim"] {
        let Some(figure) = rankflow::claims::drawing(&exp, id, opts) else { continue };
        drawn.push(figure.clone());
        let base = format!("{}-{id}", p.name);
        let (w, h) = POSTER;
        let svg = export::to_svg(&figure, w, h, Style::default())?;
        let path = dir.join(format!("{base}.svg"));
        std::fs::write(&path, svg).map_err(|e| format!("--out: cannot write {}: {e}", path.display()))?;
        export::to_png(&figure, &dir.join(format!("{base}.png")), w, h, Style::default())
            .map_err(|e| format!("--out: cannot write {base}.png: {e}"))?;
        figures
            .insert(id.into(), serde_json::json!({"base": base, "title": figure.title(), "caption": figure.caption()}));
    }
    let readout = rankflow::claims::readout(&exp);
    let sheet = rankflow::shell::handout::Sheet {
        title: &p.title,
        explanation: &p.explanation,
        figures: drawn,
        lines: &readout.lines,
    };
    let page = rankflow::shell::handout::render(&sheet)?;
    // The claim as `run --out` writes it (lines, values, verdict): the browser tests compare the page's to it.
    let claim = rankflow::claims::of(&exp).map(|_| serde_json::to_value(&readout).expect("a read-out serializes"));
    Ok((serde_json::json!({"name": p.name, "title": p.title, "figures": figures, "claim": claim}), page))
}

/// `rankflow lesson`: the shipped lessons, one of them, or a lesson file checked (and with --answers, run).
fn lesson_command(args: LessonArgs) -> Result<ExitCode, String> {
    use rankflow::lessons;
    use rankflow::notation::number;
    let steps = |n: usize| if n == 1 { "1 step".to_string() } else { format!("{n} steps") };
    let lesson = match (&args.name, &args.check) {
        (None, None) => {
            for l in lessons::all() {
                println!("{:<16} {} ({})", l.name, l.title, steps(l.steps.len()));
            }
            return Ok(ExitCode::SUCCESS);
        }
        (Some(name), _) => {
            lessons::find(name).ok_or_else(|| format!("lesson: no lesson {name:?}; one of {}", lessons::names()))?
        }
        (None, Some(file)) => {
            let text = std::fs::read_to_string(file).map_err(|e| format!("--check: cannot read {file}: {e}"))?;
            lessons::from_json(&text)?
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&lesson).expect("lessons serialize"));
    } else {
        println!("{}: {} ({})", lesson.name, lesson.title, steps(lesson.steps.len()));
    }
    if !args.answers {
        return Ok(ExitCode::SUCCESS);
    }
    let mut missing = 0;
    for (i, step) in lesson.steps.iter().enumerate() {
        let Some(p) = &step.predict else { continue };
        let mut exp = step.experiment.experiment();
        exp.run_to_end(true);
        match p.answer(&exp) {
            Ok(a) => match a.choice {
                Some(c) => println!(
                    "step {}: {} → {} (measured {}; {})",
                    i + 1,
                    p.question,
                    p.choices[c].label,
                    number(a.value, 4),
                    a.said
                ),
                None => {
                    missing += 1;
                    println!("step {}: {} → no choice holds the measured {}", i + 1, p.question, number(a.value, 4));
                }
            },
            Err(e) => {
                missing += 1;
                println!("step {}: {} → {e}", i + 1, p.question);
            }
        }
    }
    Ok(if missing == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) })
}
