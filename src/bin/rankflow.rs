//! Native command-line front end of the rankflow core.
//!
//!   rankflow run --config FILE.json [--out OUT.json] [--svg CHART.svg] [--log-steps] [--no-baseline]
//!   rankflow run --preset NAME [--out OUT.json] [--svg CHART.svg] [--log-steps] [--no-baseline]
//!   rankflow run --experiment FILE.json [--check] [--seed S] [--out OUT.json] …
//!   rankflow figures (--preset NAME | --config FILE) --out DIR [--format svg|png] [--width W --height H] [--no-baseline]
//!   rankflow presets [--json]
//!
//! Exit codes: 0 success, 1 the run diverged, 2 bad input (usage or config; the message names the field),
//! 3 with `--check`: the claim does not hold.

use plotters::prelude::IntoDrawingArea;
use rankflow::experiment::presets;
use rankflow::experiment::sweep::{self, SweepSpec};
use rankflow::experiment::Experiment;
use rankflow::figure::{build, export, heatmap, lines, render::Style};
use rankflow::Config;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  rankflow sweep --spec SWEEP.json [--csv OUT.csv] [--svg OUT.svg] [--threads N] [--shard i/N]
  rankflow sweep merge PART.csv... [--csv OUT.csv] [--svg OUT.svg]
  rankflow bench --config FILE.json [--reps 5] [--seconds 0.5]   (steps/s of pure stepping, JSON line)
  rankflow run --config FILE.json [--out OUT.json] [--svg CHART.svg] [--log-steps] [--no-baseline]
  rankflow run --preset NAME [--seed S] [--out OUT.json] [--svg CHART.svg] [--log-steps] [--no-baseline]
  rankflow run --experiment FILE.json [--check] [--seed S] [--out OUT.json] [--svg CHART.svg] [--no-baseline]
      FILE: one preset object as `rankflow presets --json` prints it (runs with their configs, claim);
      --check exits 3 when the claim does not hold, 0 when it holds
  rankflow figures (--preset NAME [--seed S] | --config FILE) --out DIR [--format svg|png] [--width W --height H] [--no-baseline]
  rankflow presets [--json]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => match parse_run_args(&args[1..]) {
            Ok(run_args) => run(run_args),
            Err(msg) => bad_input(&msg),
        },
        Some("bench") => match parse_bench_args(&args[1..]) {
            Ok((config, reps, seconds)) => bench(config, reps, seconds),
            Err(msg) => bad_input(&msg),
        },
        Some("sweep") => sweep(&args[1..]),
        Some("figures") => figures(&args[1..]),
        Some("presets") if args.len() == 1 => {
            for p in presets::all() {
                println!("{:<18} {}", p.name, p.title);
            }
            ExitCode::SUCCESS
        }
        Some("presets") if args.len() == 2 && args[1] == "--json" => {
            println!("{}", serde_json::to_string_pretty(&presets::all()).expect("presets serialize"));
            ExitCode::SUCCESS
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => bad_input(USAGE),
    }
}

struct RunArgs {
    source: Source,
    out: Option<String>,
    svg: Option<String>,
    log_steps: bool,
    baseline: bool,
    check: bool,
}

enum Source {
    File(String),
    /// An experiment file (a preset object), optionally re-seeded.
    Experiment(String, Option<u64>),
    /// A preset by name, optionally re-seeded (`--seed`).
    Preset(String, Option<u64>),
}

fn parse_run_args(args: &[String]) -> Result<RunArgs, String> {
    let (mut source, mut out, mut svg, mut log_steps, mut baseline, mut seed) = (None, None, None, false, true, None);
    let mut check = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--config" if source.is_none() => source = Some(Source::File(value()?)),
            "--preset" if source.is_none() => source = Some(Source::Preset(value()?, None)),
            "--experiment" if source.is_none() => source = Some(Source::Experiment(value()?, None)),
            "--seed" => seed = Some(parse_seed(&value()?)?),
            "--config" | "--preset" | "--experiment" => {
                return Err(format!("give exactly one of --config, --preset and --experiment\n{USAGE}"))
            }
            "--check" => check = true,
            "--out" => out = Some(value()?),
            "--svg" => svg = Some(value()?),
            "--log-steps" => log_steps = true,
            "--no-baseline" => baseline = false,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let source = with_seed(
        source.ok_or_else(|| format!("run needs --config FILE, --preset NAME or --experiment FILE\n{USAGE}"))?,
        seed,
    )?;
    if check && matches!(source, Source::File(_)) {
        return Err("--check: only with --preset or --experiment (a config alone states no claim)".into());
    }
    Ok(RunArgs { source, out, svg, log_steps, baseline, check })
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

/// Applies `--seed` to a preset source (a config file carries its own seed).
fn with_seed(source: Source, seed: Option<u64>) -> Result<Source, String> {
    match (source, seed) {
        (Source::Preset(name, _), Some(s)) => Ok(Source::Preset(name, Some(s))),
        (Source::Experiment(path, _), Some(s)) => Ok(Source::Experiment(path, Some(s))),
        (Source::File(_), Some(_)) => Err("--seed: only with --preset (a config file sets its own \"seed\")".into()),
        (source, None) => Ok(source),
    }
}

fn run(args: RunArgs) -> ExitCode {
    let (label, mut exp) = match load(&args.source) {
        Ok(x) => x,
        Err(msg) => return bad_input(&msg),
    };
    let started = Instant::now();
    while exp.running() {
        exp.advance(1 << 20);
    }
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
    if args.baseline {
        exp.finish_baseline();
    }
    let readout = rankflow::claims::readout(&exp);
    for line in &readout.lines {
        println!("claim: {line}");
    }
    if let Some(path) = &args.out {
        let json = rankflow::claims::report(&exp);
        if let Err(e) = std::fs::write(path, json.to_string()) {
            eprintln!("--out: cannot write {path}: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(path) = &args.svg {
        let opts = build::Options { log_steps: args.log_steps, baseline: args.baseline, max_points: 0, cursor: None };
        let figure = rankflow::claims::drawing(&exp, "singular_values", opts)
            .expect("every experiment has a singular_values figure");
        let svg = export::to_svg(&figure, 1200, 700, Style::default()).unwrap_or_else(|e| e);
        if let Err(e) = std::fs::write(path, svg) {
            eprintln!("--svg: cannot write {path}: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(msg) = exp.diverged() {
        eprintln!("{msg}");
        return ExitCode::from(if args.check { 3 } else { 1 });
    }
    if args.check {
        return match readout.verdict {
            Some(v) if v.holds => ExitCode::SUCCESS,
            Some(_) => ExitCode::from(3),
            None => {
                eprintln!("--check: these runs state no claim (\"claim\": null)");
                ExitCode::from(2)
            }
        };
    }
    ExitCode::SUCCESS
}

fn parse_bench_args(args: &[String]) -> Result<(Config, usize, f64), String> {
    let (mut config, mut reps, mut seconds) = (None, 5usize, 0.5f64);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--config" => {
                let text = std::fs::read_to_string(value).map_err(|e| format!("config: cannot read {value}: {e}"))?;
                config = Some(Config::from_json(&text).map_err(|e| e.to_string())?);
            }
            "--reps" => reps = value.parse().ok().filter(|r| (1..=100).contains(r)).ok_or("--reps: expected 1..100")?,
            "--seconds" => {
                seconds =
                    value.parse().ok().filter(|s: &f64| *s > 0.0 && *s <= 60.0).ok_or("--seconds: expected (0, 60]")?
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok((config.ok_or_else(|| format!("bench needs --config FILE\n{USAGE}"))?, reps, seconds))
}

/// Median steps/s of `reps` timed runs of about `seconds` each, after a warm-up; recording is switched off
/// (record_every = steps) so only the optimiser is timed.
fn bench(mut config: Config, reps: usize, seconds: f64) -> ExitCode {
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
        serde_json::json!({"engine": "native", "m": m, "n": n, "depth": config.model.depth, "steps_per_s": rates[rates.len() / 2],
                            "dense_gflops": rates[rates.len() / 2] * flops / 1e9, "reps": rates})
    );
    ExitCode::SUCCESS
}

/// A phase diagram on all cores: cells are handed out one at a time to `threads` workers. With `--shard i/N`
/// only that shard's cells run (see `sweep::shard_cells`); `sweep merge` combines the shard files.
fn sweep(args: &[String]) -> ExitCode {
    if args.first().map(String::as_str) == Some("merge") {
        return sweep_merge(&args[1..]);
    }
    let (mut spec_path, mut csv_path, mut svg_path, mut shard) = (None, None, None, None);
    let mut threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let Some(value) = it.next() else { return bad_input(&format!("{flag} needs a value\n{USAGE}")) };
        match flag.as_str() {
            "--spec" => spec_path = Some(value.clone()),
            "--csv" => csv_path = Some(value.clone()),
            "--svg" => svg_path = Some(value.clone()),
            "--shard" => match sweep::parse_shard(value) {
                Ok(s) => shard = Some(s),
                Err(e) => return bad_input(&e),
            },
            "--threads" => match value.parse::<usize>() {
                Ok(t) if (1..=256).contains(&t) => threads = t,
                _ => return bad_input("--threads: expected 1..256"),
            },
            other => return bad_input(&format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let Some(spec_path) = spec_path else { return bad_input(&format!("sweep needs --spec FILE\n{USAGE}")) };
    if shard.is_some() && svg_path.is_some() {
        return bad_input("--svg: a shard holds part of the grid; draw it after `rankflow sweep merge`");
    }
    let text = match std::fs::read_to_string(&spec_path) {
        Ok(t) => t,
        Err(e) => return bad_input(&format!("sweep: cannot read {spec_path}: {e}")),
    };
    let spec = match SweepSpec::from_json(&text) {
        Ok(s) => s,
        Err(e) => return bad_input(&e.to_string()),
    };
    let ks: Vec<usize> = match shard {
        Some((i, n)) => sweep::shard_cells(spec.cells(), i, n),
        None => (0..spec.cells()).collect(),
    };
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let cells: Vec<std::sync::Mutex<Option<sweep::Cell>>> = ks.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(ks.len()) {
            scope.spawn(|| loop {
                let slot = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if slot >= ks.len() {
                    break;
                }
                let cell = spec.run_cell(ks[slot]);
                *cells[slot].lock().expect("cell lock") = Some(cell);
            });
        }
    });
    let cells: Vec<sweep::Cell> =
        cells.into_iter().map(|c| c.into_inner().expect("cell lock").expect("every cell ran")).collect();
    eprintln!("sweep: {} cells in {:.2} s on {threads} threads", cells.len(), started.elapsed().as_secs_f64());
    let table = match shard {
        Some(s) => sweep::shard_csv(&spec, s, &ks.iter().copied().zip(cells.iter().cloned()).collect::<Vec<_>>()),
        None => sweep::csv(&spec, &cells),
    };
    if let Err(code) = write_or_print(csv_path.as_deref(), &table) {
        return code;
    }
    if let Some(p) = &svg_path {
        let outcome = spec.outcome.name();
        let result = match &spec.y {
            None => {
                let series = spec.series.as_ref().map_or("", |a| a.field.as_str());
                let points = sweep::aggregate(&cells, spec.seeds as usize);
                write_lines(p, &lines::sweep_lines(&spec.x.field, series, &outcome, spec.seeds as usize, &points))
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
            ),
        };
        if let Err(code) = result {
            return code;
        }
    }
    ExitCode::SUCCESS
}

/// `rankflow sweep merge PART.csv… [--csv OUT] [--svg OUT]`: the unsharded CSV (byte for byte) and heatmap.
fn sweep_merge(args: &[String]) -> ExitCode {
    let (mut parts, mut csv_path, mut svg_path) = (vec![], None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--csv" | "--svg" => {
                let Some(v) = it.next() else { return bad_input(&format!("{arg} needs a value\n{USAGE}")) };
                if arg == "--csv" {
                    csv_path = Some(v.clone())
                } else {
                    svg_path = Some(v.clone())
                }
            }
            flag if flag.starts_with("--") => return bad_input(&format!("unknown argument {flag:?}\n{USAGE}")),
            path => match std::fs::read_to_string(path) {
                Ok(text) => parts.push((path.to_string(), text)),
                Err(e) => return bad_input(&format!("sweep merge: cannot read {path}: {e}")),
            },
        }
    }
    let merged = match sweep::merge(&parts) {
        Ok(m) => m,
        Err(e) => return bad_input(&e),
    };
    if let Err(code) = write_or_print(csv_path.as_deref(), &merged.csv) {
        return code;
    }
    if let (Some(p), Some(points)) = (&svg_path, &merged.lines) {
        let seeds = points.iter().map(|q| q.n).max().unwrap_or(1);
        let fig = lines::sweep_lines(&merged.x_field, &merged.y_field, &merged.outcome, seeds, points);
        return match write_lines(p, &fig) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        };
    }
    if let Some(p) = &svg_path {
        let label = |v: &String| v.parse::<f64>().map_or(v.clone(), axis_label);
        let diagram = heatmap::PhaseDiagram {
            title: format!("{} over {} × {}", merged.outcome, merged.x_field, merged.y_field),
            x_desc: merged.x_field.clone(),
            y_desc: merged.y_field.clone(),
            x_labels: merged.x_values.iter().map(label).collect(),
            y_labels: merged.y_values.iter().map(label).collect(),
            values: merged.values,
        };
        if let Err(code) = write_heatmap(p, &diagram) {
            return code;
        }
    }
    ExitCode::SUCCESS
}

fn axis_label(v: f64) -> String {
    if v.abs() < 1e-2 && v != 0.0 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn write_or_print(path: Option<&str>, text: &str) -> Result<(), ExitCode> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| bad_input(&format!("--csv: cannot write {p}: {e}"))),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn write_lines(path: &str, fig: &rankflow::figure::Figure) -> Result<(), ExitCode> {
    let svg = export::to_svg(&rankflow::figure::Drawing::Chart(fig.clone()), 900, 560, Style::default())
        .map_err(|e| bad_input(&format!("--svg: {e}")))?;
    std::fs::write(path, svg).map_err(|e| bad_input(&format!("--svg: cannot write {path}: {e}")))
}

fn write_heatmap(path: &str, diagram: &heatmap::PhaseDiagram) -> Result<(), ExitCode> {
    export::fonts();
    let mut svg = String::new();
    {
        let area = plotters::prelude::SVGBackend::with_string(&mut svg, (900, 600)).into_drawing_area();
        let drawn = heatmap::render_heatmap(&area, diagram, Style::default());
        drawn.and_then(|_| area.present().map_err(|e| e.to_string())).map_err(|e| bad_input(&format!("--svg: {e}")))?;
    }
    std::fs::write(path, svg).map_err(|e| bad_input(&format!("--svg: cannot write {path}: {e}")))
}

/// Runs an experiment to its end and writes every figure the page shows for it, plus `figures.json`.
fn figures(args: &[String]) -> ExitCode {
    let (mut source, mut out, mut format, mut width, mut height, mut baseline, mut seed) =
        (None, None, "svg".to_string(), 1200u32, 700u32, true, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--no-baseline" {
            baseline = false;
            continue;
        }
        let Some(value) = it.next() else { return bad_input(&format!("{flag} needs a value\n{USAGE}")) };
        match flag.as_str() {
            "--preset" | "--config" if source.is_some() => {
                return bad_input(&format!("give exactly one of --config and --preset\n{USAGE}"))
            }
            "--preset" => source = Some(Source::Preset(value.clone(), None)),
            "--seed" => match parse_seed(value) {
                Ok(s) => seed = Some(s),
                Err(e) => return bad_input(&e),
            },
            "--config" => source = Some(Source::File(value.clone())),
            "--out" => out = Some(value.clone()),
            "--format" if value == "svg" || value == "png" => format = value.clone(),
            "--format" => return bad_input(&format!("--format: expected svg or png, got {value:?}")),
            "--width" | "--height" => match value.parse::<u32>() {
                Ok(v) if (200..=4000).contains(&v) => {
                    if flag == "--width" {
                        width = v
                    } else {
                        height = v
                    }
                }
                _ => return bad_input(&format!("{flag}: expected a number of pixels in 200..4000, got {value:?}")),
            },
            other => return bad_input(&format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let Some(source) = source else {
        return bad_input(&format!("figures needs --preset NAME or --config FILE\n{USAGE}"));
    };
    let source = match with_seed(source, seed) {
        Ok(s) => s,
        Err(e) => return bad_input(&e),
    };
    let Some(out) = out else { return bad_input(&format!("figures needs --out DIR\n{USAGE}")) };
    let dir = std::path::Path::new(&out);
    if let Err(e) = std::fs::create_dir_all(dir) {
        return bad_input(&format!("--out: cannot create directory {out}: {e}"));
    }
    let (_, mut exp) = match load(&source) {
        Ok(x) => x,
        Err(msg) => return bad_input(&msg),
    };
    while exp.running() {
        exp.advance(1 << 20);
    }
    if baseline {
        exp.finish_baseline();
    }
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
        if let Err(e) = written {
            return bad_input(&format!("--out: cannot write {}: {e}", path.display()));
        }
        index.push(
            serde_json::json!({"id": figure.id(), "title": figure.title(), "caption": figure.caption(), "file": file}),
        );
    }
    let json = serde_json::to_string_pretty(&index).expect("index serializes");
    if let Err(e) = std::fs::write(dir.join("figures.json"), json) {
        return bad_input(&format!("--out: cannot write figures.json: {e}"));
    }
    println!("{} figures in {}", index.len(), dir.display());
    if let Some(msg) = exp.diverged() {
        eprintln!("{msg}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn bad_input(msg: &str) -> ExitCode {
    eprintln!("{msg}");
    ExitCode::from(2)
}
