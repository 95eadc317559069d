//! `cargo xtask bench`: the same GD workloads (n×n completion, 20% observed, rank 5, GD; L ∈ {2, 3, 4},
//! n ∈ {20, 50, 100, 200}) natively, as wasm in node and in headless Chromium, and in the numpy peer
//! (single-threaded OpenBLAS), side by side in one run; medians of 5 runs. Writes BENCHMARKS.md.

use crate::{output, root, run};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

const SIZES: [usize; 4] = [20, 50, 100, 200];
const DEPTHS: [usize; 3] = [2, 3, 4];

fn config(n: usize, depth: usize) -> Value {
    json!({"seed": 1, "problem": {"kind": "completion", "n": n, "rank": 5, "observed_fraction": 0.2},
           "model": {"depth": depth, "init_scale": 1e-3}, "optimizer": {"kind": "gd", "lr": 0.01}})
}

/// Dense-equivalent work of one step (what the numpy peer computes): 2n³ per product, L−1 forward and
/// 2(L−1) backward products.
fn dense_flops(n: usize, depth: usize) -> f64 {
    2.0 * (n as f64).powi(3) * 3.0 * (depth - 1) as f64
}

/// Work rankflow actually does per step: 3(L−2) dense products of 2n³, and a pass over the observed
/// entries (|Ω| ≈ 0.2 n²) of three length-n dot/axpy (6n flops each).
fn rankflow_flops(n: usize, depth: usize) -> f64 {
    let n = n as f64;
    2.0 * n.powi(3) * 3.0 * (depth - 2) as f64 + 0.2 * n * n * 6.0 * n
}

pub fn bench() -> Result<(), String> {
    crate::build()?;
    let root = root();
    run(Command::new("cargo").current_dir(&root).args(["build", "--release", "--bin", "rankflow"]))?;
    if output(Command::new("python3").args(["-c", "import numpy"])).is_none() {
        run(Command::new("python3").args(["-m", "pip", "install", "--quiet", "numpy"]))?;
    }
    let browser_dir = root.join("tests/browser");
    if !browser_dir.join("node_modules/playwright-core").exists() {
        run(Command::new("npm").current_dir(&browser_dir).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut results: BTreeMap<(String, usize, usize), f64> = BTreeMap::new();
    let mut workloads = vec![];
    for &n in &SIZES {
        for &depth in &DEPTHS {
            let cfg = config(n, depth);
            let path = dir.join(format!("n{n}-L{depth}.json"));
            std::fs::write(&path, cfg.to_string()).map_err(|e| e.to_string())?;
            workloads.push(json!({"n": n, "depth": depth, "config": cfg}));
            eprintln!("bench: n = {n}, L = {depth}");
            let native =
                output(Command::new(root.join("target/release/rankflow")).arg("bench").arg("--config").arg(&path))
                    .ok_or("native bench failed")?;
            results.insert(("native".into(), n, depth), steps_per_s(&native)?);
            let numpy = output(
                Command::new("python3")
                    .arg(root.join("bench/numpy_gd.py"))
                    .args([n.to_string(), depth.to_string(), "--observed".into(), "0.2".into()])
                    .env("OPENBLAS_NUM_THREADS", "1")
                    .env_remove("OPENBLAS_CORETYPE")
                    .env_remove("OPENBLAS_L2_SIZE"),
            )
            .ok_or("numpy bench failed")?;
            results.insert(("numpy".into(), n, depth), steps_per_s(&numpy)?);
        }
    }
    let wl = dir.join("workloads.json");
    std::fs::write(&wl, Value::Array(workloads).to_string()).map_err(|e| e.to_string())?;
    let (url, _server) = crate::server::spawn(&root.join("www"))?;
    let wasm = output(Command::new("node").arg(root.join("bench/measure.mjs")).arg(&url).arg(&wl))
        .ok_or("wasm bench failed")?;
    let mut frame = Value::Null;
    let mut size = Value::Null;
    for line in wasm.lines() {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("bad line {line}: {e}"))?;
        match v["engine"].as_str() {
            Some("frame") => frame = v,
            Some("size") => size = v,
            Some(engine) => {
                let key = (
                    engine.to_string(),
                    v["n"].as_u64().unwrap_or(0) as usize,
                    v["depth"].as_u64().unwrap_or(0) as usize,
                );
                results.insert(key, v["steps_per_s"].as_f64().unwrap_or(0.0));
            }
            None => {}
        }
    }
    let page = page_rows(&root, &url)?;
    let mut report = render(&results, &frame, &size);
    report.push_str(&render_page(&page));
    report.push_str(&against_jax()?);
    report.push_str(&svd_section()?);
    report.push_str(&research_sweep()?);
    std::fs::write(root.join("BENCHMARKS.md"), &report).map_err(|e| e.to_string())?;
    println!("{report}");
    Ok(())
}

/// `cargo xtask bench-sweep`: only the research-scale sweep, its section of BENCHMARKS.md replaced in place.
pub fn bench_sweep() -> Result<(), String> {
    replace_section("\n## A research-scale sweep", &research_sweep()?)
}

/// `cargo xtask bench-jax`: only the JAX comparison and the roofline, their section of BENCHMARKS.md replaced.
pub fn bench_jax() -> Result<(), String> {
    replace_section(JAX_HEAD, &against_jax()?)
}

/// `cargo xtask bench-svd`: only nalgebra's SVD against faer's, its section of BENCHMARKS.md replaced.
pub fn bench_svd() -> Result<(), String> {
    replace_section(SVD_HEAD, &svd_section()?)
}

const SVD_HEAD: &str = "\n## The SVD: nalgebra against faer";

/// bench/svd (its own workspace: faer never enters rankflow's build) — µs per SVD, nalgebra against faer, values
/// alone and with U, Vᵀ — and what the per-record SVD costs in a preset: `incremental` (n = 30, one SVD every
/// `record_every` steps) run natively in the same session.
fn svd_section() -> Result<String, String> {
    let root = root();
    run(Command::new("cargo").current_dir(&root).args(["build", "--release", "--bin", "rankflow"]))?;
    let manifest = root.join("bench/svd/Cargo.toml");
    let target = root.join("target/svd-bench");
    eprintln!("bench: the SVD, nalgebra against faer (faer compiles once, ≈ 2 min)");
    run(Command::new("cargo")
        .args(["build", "--release", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target))?;
    let rows = json_line(Command::new(target.join("release/rankflow-svd-bench")).arg("7"), "SVD bench")?;
    // The preset whose runs record most often per step: its native time, and its records' share of it.
    let presets: Value = serde_json::from_str(
        &output(Command::new(root.join("target/release/rankflow")).args(["presets", "--json"]))
            .ok_or("rankflow presets --json failed")?,
    )
    .map_err(|e| e.to_string())?;
    let cfg = presets
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "incremental"))
        .map(|p| p["runs"][0]["config"].clone())
        .ok_or("no preset incremental")?;
    let (steps, every, n) = (
        cfg["steps"].as_f64().unwrap_or(0.0),
        cfg["record_every"].as_f64().unwrap_or(1.0),
        cfg["problem"]["n"].as_u64().unwrap_or(0),
    );
    let mut walls = vec![];
    for _ in 0..3 {
        let t = std::time::Instant::now();
        output(Command::new(root.join("target/release/rankflow")).args(["run", "--preset", "incremental"]))
            .ok_or("rankflow run --preset incremental failed")?;
        walls.push(t.elapsed().as_secs_f64());
    }
    let wall = median(&walls);
    let us = |r: &Value, k: &str| r[k].as_f64().unwrap_or(f64::NAN);
    let mut s = String::new();
    let _ = writeln!(s, "{SVD_HEAD}\n");
    let _ = writeln!(
        s,
        "`cargo xtask bench-svd` (also run by `cargo xtask bench`): `bench/svd`, µs per SVD of an n×n matrix on one \
         thread, the median of 7 rounds that alternate the libraries: nalgebra 0.34 (what rankflow uses) against faer \
         0.23 (`Par::Seq`). *Values* = the singular values alone, as every record of every run takes them; *U, Vᵀ* = \
         the full SVD, as each iteration of the convex baseline (singular-value shrinkage) and GLRL's escape direction \
         take it. Matrices: i.i.d. uniform entries, and a run's mid-way W (rank 4, values 12, 6, 3, 1.5, plus 1e-3 \
         noise). The two libraries' singular values agree (largest difference in the last column).\n"
    );
    let _ = writeln!(
        s,
        "| matrix | n | values: nalgebra µs | faer µs | nalgebra × faer | U, Vᵀ: nalgebra µs | faer µs | nalgebra × faer | largest Δσ |\n|---|---|---|---|---|---|---|---|---|"
    );
    for r in &rows {
        let (nv, fv, nu, fu) =
            (us(r, "values_nalgebra_us"), us(r, "values_faer_us"), us(r, "uv_nalgebra_us"), us(r, "uv_faer_us"));
        let _ = writeln!(
            s,
            "| {} | {} | {nv:.1} | {fv:.1} | {:.2}× | {nu:.1} | {fu:.1} | {:.2}× | {:.0e} |",
            r["kind"].as_str().unwrap_or(""),
            r["n"],
            fv / nv,
            fu / nu,
            r["max_sigma_diff"].as_f64().unwrap_or(f64::NAN)
        );
    }
    let at = |n: u64| rows.iter().find(|r| r["n"] == n && r["kind"] == "rank-4 + noise");
    let record = at(n).map_or(f64::NAN, |r| us(r, "values_nalgebra_us"));
    let faer_record = at(n).map_or(f64::NAN, |r| us(r, "values_faer_us"));
    let records = steps / every;
    let _ = writeln!(
        s,
        "\nIn a run: `incremental` (n = {n}, {steps:.0} steps, a record every {every:.0}) takes {wall:.2} s natively, wall \
         (median of 3, this session); its {records:.0} records' SVDs are ≈ {:.2} s of it ({:.0} %) with nalgebra, \
         and would be ≈ {:.2} s with faer. **Kept: nalgebra** for both: faer's values are slower at every size \
         measured (the presets' n = 20–30 most), and its full SVD, faster from n = 100, would serve only the convex \
         baseline, solved once per problem (the presets' problems have n = 20–30, where nalgebra is faster); and \
         faer adds ≈ 2 minutes to a fresh build.",
        records * record * 1e-6,
        100.0 * records * record * 1e-6 / wall,
        records * faer_record * 1e-6,
    );
    Ok(s)
}

const JAX_HEAD: &str = "\n## Against JAX, and the roofline";

/// target/bench-venv with numpy and jax[cpu] from PyPI (created once).
fn bench_venv(root: &Path) -> Result<std::path::PathBuf, String> {
    let dir = root.join("target/bench-venv");
    let python = dir.join("bin/python");
    if !python.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&dir))?;
    }
    if output(Command::new(&python).args(["-c", "import jax, numpy"])).is_none() {
        eprintln!("xtask: installing numpy and jax[cpu] into {} from PyPI", dir.display());
        run(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "numpy",
            "jax[cpu]>=0.4,<1",
        ]))?;
    }
    Ok(python)
}

/// Rounds of the JAX comparison (each engine once per round).
const ROUNDS: usize = 7;

/// The median of `v` (NaN when empty).
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// One JSON line's `key` from a command's output.
fn json_line(cmd: &mut Command, what: &str) -> Result<Vec<Value>, String> {
    let out = output(cmd).ok_or_else(|| format!("{what} failed"))?;
    Ok(out.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}

/// The completion workload of Arora et al. (n×n, rank 5, 30 % observed, α = 1e-3, plain GD) natively and in
/// JAX (float64, jax.grad, the step jit-compiled inside lax.fori_loop, compile time apart), on one core and on
/// all; then the machine's FMA peak and each product kernel's rate as a fraction of it.
fn against_jax() -> Result<String, String> {
    let root = root();
    run(Command::new("cargo").current_dir(&root).args(["build", "--release", "--bin", "rankflow"]))?;
    let python = bench_venv(&root)?;
    let cli = root.join("target/release/rankflow");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut s = String::new();
    let _ = writeln!(s, "{JAX_HEAD}\n");
    let _ = writeln!(
        s,
        "`cargo xtask bench-jax` (also run by `cargo xtask bench`). Workload: Arora et al.'s completion, n×n, rank 5, \
         30 % observed, α = 1e-3, plain GD, depth L. **JAX** = `bench/jax_gd.py`: float64, the loss differentiated \
         by `jax.grad`, the step jit-compiled inside `lax.fori_loop` (compile time excluded, reported apart); \
         **1 core** = `taskset -c 0` with `XLA_FLAGS=--xla_cpu_multi_thread_eigen=false` for JAX, numpy with \
         `OPENBLAS_NUM_THREADS=1`, `rankflow bench --threads 1`; **all cores** = JAX unpinned, `rankflow bench \
         --threads {cores}`. {ROUNDS} rounds, each running every engine once for 0.5 s after its warm-up, one \
         after the other; steps/s are medians over the rounds and each ratio is the median of the rounds' ratios, \
         so that the drift of this shared host falls on every engine alike.\n"
    );
    let _ = writeln!(
        s,
        "| n | L | JAX 1 core | numpy 1 core | native 1 core | native × JAX, 1 core (≥ 1.5) | native × numpy | JAX all cores | native all cores | native × JAX, all cores (≥ 1 at n = 200, L = 3) | JAX compile (s) |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|");
    let mut version = String::new();
    for (n, depth) in [(100, 2), (100, 3), (100, 4), (200, 2), (200, 3), (200, 4), (50, 3)] {
        eprintln!("bench-jax: n = {n}, L = {depth}");
        let cfg = json!({"seed": 1, "problem": {"kind": "completion", "n": n, "rank": 5, "observed_fraction": 0.3},
                         "model": {"depth": depth, "init_scale": 1e-3}, "optimizer": {"kind": "gd", "lr": 0.01}});
        let path = dir.join(format!("arora-n{n}-L{depth}.json"));
        std::fs::write(&path, cfg.to_string()).map_err(|e| e.to_string())?;
        let rate = |v: &[Value]| v.first().and_then(|v| v["steps_per_s"].as_f64()).unwrap_or(f64::NAN);
        let args = [n.to_string(), depth.to_string(), "--observed".into(), "0.3".into(), "--reps".into(), "1".into()];
        let one_core = |script: &str, env: (&str, &str)| {
            let mut cmd = Command::new("taskset");
            cmd.args(["-c", "0"]).arg(&python).arg(root.join(script)).args(&args).env(env.0, env.1);
            cmd
        };
        let native = |threads: usize| {
            let mut cmd = Command::new(&cli);
            cmd.arg("bench").arg("--config").arg(&path).args(["--reps", "1", "--threads", &threads.to_string()]);
            cmd
        };
        // Rounds: every engine once per round, one after the other, so that the host's drift (this machine is
        // shared) falls on all of them alike; each rate is the median over rounds, each ratio the median of the
        // rounds' ratios.
        let mut engines: [Vec<f64>; 5] = Default::default();
        let mut compile = vec![];
        for _ in 0..ROUNDS {
            let jax1 = json_line(
                &mut one_core("bench/jax_gd.py", ("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")),
                "JAX on one core",
            )?;
            let numpy1 = json_line(&mut one_core("bench/numpy_gd.py", ("OPENBLAS_NUM_THREADS", "1")), "numpy")?;
            let native1 = json_line(&mut native(1), "native")?;
            let jax_all = json_line(Command::new(&python).arg(root.join("bench/jax_gd.py")).args(&args), "JAX")?;
            let native_all = json_line(&mut native(cores), "native on all cores")?;
            version = jax1.first().and_then(|v| v["jax"].as_str()).unwrap_or("?").to_string();
            compile.push(jax1.first().and_then(|v| v["compile_s"].as_f64()).unwrap_or(f64::NAN));
            for (e, v) in engines.iter_mut().zip([&jax1, &numpy1, &native1, &jax_all, &native_all]) {
                e.push(rate(v));
            }
        }
        let [j, np, r, ja, ra] = &engines;
        let ratio = |a: &[f64], b: &[f64]| median(&a.iter().zip(b).map(|(a, b)| a / b).collect::<Vec<_>>());
        let _ = writeln!(
            s,
            "| {n} | {depth} | {:.0} | {:.0} | {:.0} | {:.2}× | {:.2}× | {:.0} | {:.0} | {:.2}× | {:.2} |",
            median(j),
            median(np),
            median(r),
            ratio(r, j),
            ratio(r, np),
            median(ja),
            median(ra),
            ratio(ra, ja),
            median(&compile),
        );
    }
    let _ = writeln!(s, "\nJAX {version}, {cores} cores.\n");
    let peak = json_line(Command::new(&cli).args(["bench", "--peak", "--threads", &cores.to_string()]), "peak")?;
    let per_core = peak.first().and_then(|v| v["gflops_per_core"].as_f64()).unwrap_or(f64::NAN);
    let all = peak.first().and_then(|v| v["gflops_all"].as_f64()).unwrap_or(f64::NAN);
    let _ = writeln!(
        s,
        "**Roofline.** `rankflow bench --peak`: {per_core:.1} GFLOP/s per core ({all:.1} on {cores} cores at once) — \
         12 independent chains of 4-lane fused multiply-adds, nothing loaded. `rankflow bench --products --threads \
         {cores}`: each product kernel's real rate (2n³ per product), the median of 5 rounds and the best round, \
         each with its fraction of the per-core peak (of {cores}× it for the threaded line). The speed this host \
         lends a core drifts by up to 1.6× within minutes, so the median says what a run sees and the best what \
         the kernel does with a whole core. `gemm` is the native product since this table (faer's engine); \
         matrixmultiply was the product before it; `packed` is the page's wasm kernel compiled natively.\n"
    );
    let products =
        json_line(Command::new(&cli).args(["bench", "--products", "--threads", &cores.to_string()]), "products")?;
    let _ = writeln!(s, "| kernel | threads | n | A·B GFLOP/s (of peak) | A·Bᵀ | Aᵀ·B |\n|---|---|---|---|---|---|");
    let mut rows: Vec<(String, u64, u64)> = vec![];
    for p in &products {
        let key = (
            p["kernel"].as_str().unwrap_or("?").to_string(),
            p["threads"].as_u64().unwrap_or(1),
            p["n"].as_u64().unwrap_or(0),
        );
        if !rows.contains(&key) {
            rows.push(key);
        }
    }
    rows.sort_by_key(|r| (r.2, r.0 != "gemm", r.1));
    for (kernel, threads, n) in rows {
        let cell = |shape: &str| {
            products
                .iter()
                .find(|p| {
                    p["kernel"] == kernel.as_str() && p["threads"] == threads && p["n"] == n && p["shape"] == shape
                })
                .and_then(|p| Some((p["gflops"].as_f64()?, p["best_gflops"].as_f64()?)))
                .map_or("–".into(), |(g, best)| {
                    let of = |g: f64| 100.0 * g / (per_core * threads as f64);
                    format!("{g:.1} ({:.0} %) · best {best:.1} ({:.0} %)", of(g), of(best))
                })
        };
        let _ = writeln!(s, "| {kernel} | {threads} | {n} | {} | {} | {} |", cell("A·B"), cell("A·Bᵀ"), cell("Aᵀ·B"));
    }
    Ok(s)
}

/// `cargo xtask bench-page`: only the page per preset (and the α drag), its section of BENCHMARKS.md replaced.
pub fn bench_page() -> Result<(), String> {
    crate::build()?;
    let root = root();
    run(Command::new("cargo").current_dir(&root).args(["build", "--release", "--bin", "rankflow"]))?;
    let browser_dir = root.join("tests/browser");
    if !browser_dir.join("node_modules/playwright-core").exists() {
        run(Command::new("npm").current_dir(&browser_dir).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let (url, _server) = crate::server::spawn(&root.join("www"))?;
    replace_section("\n## The page at the machine's speed", &render_page(&page_rows(&root, &url)?))
}

/// `node bench/page.mjs` against the page served at `url`: one JSON row per preset, and the α drag.
fn page_rows(root: &Path, url: &str) -> Result<Vec<Value>, String> {
    eprintln!("bench: the page per preset (3 repetitions; several minutes)");
    // Its progress (one line per preset and repetition, on stderr) shows as it goes.
    let page = output(
        Command::new("node")
            .arg(root.join("bench/page.mjs"))
            .arg(url)
            .arg(root.join("target/release/rankflow"))
            .arg("3")
            .stderr(std::process::Stdio::inherit()),
    )
    .ok_or("page bench failed")?;
    Ok(page.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}

/// Replaces the section of BENCHMARKS.md that starts with `head` (up to the next `## `) by `section`.
fn replace_section(head: &str, section: &str) -> Result<(), String> {
    let path = root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let new = match old.find(head) {
        Some(i) => {
            let rest = &old[i + head.len()..];
            let tail = rest.find("\n## ").map_or("", |j| &rest[j..]);
            format!("{}{section}{tail}", &old[..i])
        }
        None => format!("{old}{section}"),
    };
    std::fs::write(&path, new).map_err(|e| e.to_string())?;
    println!("{section}");
    Ok(())
}

/// Runs `sweeps/research.json` on every core and reports runs per minute, the wall time and the mean test error
/// per depth and α.
fn research_sweep() -> Result<String, String> {
    let root = root();
    run(Command::new("cargo").current_dir(&root).args(["build", "--release", "--bin", "rankflow"]))?;
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let csv = dir.join("research.csv");
    eprintln!("bench: the research-scale sweep (120 runs of 100×100; about ten minutes on 2 cores)");
    let started = std::time::Instant::now();
    let out = Command::new(root.join("target/release/rankflow"))
        .args(["sweep", "--spec"])
        .arg(root.join("sweeps/research.json"))
        .arg("--csv")
        .arg(&csv)
        .output()
        .map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!("research sweep failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let threads: usize =
        stderr.split(" on ").nth(1).and_then(|t| t.split_whitespace().next()).and_then(|t| t.parse().ok()).unwrap_or(1);
    let table = std::fs::read_to_string(&csv).map_err(|e| e.to_string())?;
    let rows: Vec<Vec<String>> = table.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect();
    let runs: usize = rows.iter().filter_map(|r| r.get(6)?.parse::<usize>().ok()).sum();
    let total = rows.len() * 5;
    let per_min = total as f64 / (wall / 60.0);
    let mut s = String::new();
    let _ = writeln!(s, "\n## A research-scale sweep\n");
    let _ = writeln!(
        s,
        "`cargo xtask bench-sweep` (also run by `cargo xtask bench`): `rankflow sweep --spec sweeps/research.json` — \
         100×100 rank-5 completion, 30 % of entries observed, depth 2, 3, 4 × 8 values of α (product convention) × 5 \
         seeds = {total} runs of 20,000 GD steps, on all {threads} cores of this machine: **{:.1} min wall, {per_min:.1} \
         runs per minute ({:.1} per core)**; {runs} of {total} runs gave a test error. Split with `--shard i/N` across N \
         machines of this kind the wall time is ≈ {:.1} min / N (plus the slowest shard's share of the depth-4 runs).\n",
        wall / 60.0,
        per_min / threads as f64,
        wall / 60.0
    );
    let _ = writeln!(s, "Mean test error over the 5 seeds (min–max):\n");
    let _ = writeln!(s, "| α | depth 2 | depth 3 | depth 4 |\n|---|---|---|---|");
    let alphas: Vec<String> = rows.iter().filter(|r| r[1] == "2").map(|r| r[0].clone()).collect();
    for a in &alphas {
        let cell = |d: &str| {
            rows.iter().find(|r| &r[0] == a && r[1] == d).map_or("–".to_string(), |r| {
                let f = |v: &String| v.parse::<f64>().map_or("–".into(), |x| format!("{x:.2e}"));
                format!("{} ({}–{})", f(&r[2]), f(&r[4]), f(&r[5]))
            })
        };
        let _ = writeln!(s, "| {a} | {} | {} | {} |", cell("2"), cell("3"), cell("4"));
    }
    Ok(s)
}

fn steps_per_s(line: &str) -> Result<f64, String> {
    let v: Value = serde_json::from_str(line.trim()).map_err(|e| format!("bad bench output {line:?}: {e}"))?;
    v["steps_per_s"].as_f64().ok_or_else(|| format!("no steps_per_s in {line}"))
}

fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines().find_map(|l| {
            let (key, value) = l.split_once(':')?;
            (key.trim() == name).then(|| value.trim().to_string())
        })
    };
    // Family, model and clock tell apart hosts whose model name is the same ("AMD EPYC"), as rates differ 2–3× between them.
    let name = field("model name").unwrap_or_else(|| "unknown CPU".into());
    let cpu = match (field("cpu family"), field("model"), field("cpu MHz")) {
        (Some(f), Some(m), Some(mhz)) => {
            format!("{name} (family {f}, model {m}, {:.0} MHz)", mhz.parse::<f64>().unwrap_or(0.0))
        }
        _ => name,
    };
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let ver = |cmd: &str, arg: &str| {
        output(Command::new(cmd).arg(arg))
            .map(|s| s.lines().next().unwrap_or("").trim().to_string())
            .unwrap_or_default()
    };
    let numpy =
        output(Command::new("python3").args(["-c", "import numpy; print(numpy.__version__)"])).unwrap_or_default();
    format!(
        "{cpu}, {cores} cores; {}; node {}; {}; numpy {} (OPENBLAS_NUM_THREADS=1)",
        ver("rustc", "--version"),
        ver("node", "--version"),
        ver("chromium", "--version"),
        numpy.trim()
    )
}

/// Seconds to the ms below 0.1 s, else to the hundredth (a run of a few ms still shows the terms of its ratios).
fn seconds(x: f64) -> String {
    if x < 0.1 {
        format!("{x:.3}")
    } else {
        format!("{x:.2}")
    }
}

/// The page per preset: Play → "finished" at speed=max, against the same wasm stepping flat out and the native CLI.
fn render_page(rows: &[Value]) -> String {
    let mut s = String::new();
    let num = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    let _ = writeln!(s, "\n## The page at the machine's speed\n");
    let _ = writeln!(
        s,
        "Produced by `node bench/page.mjs` (run by `cargo xtask bench`, or alone by `cargo xtask bench-page`), medians \
         of 3 repetitions, each preset's figures side by side: **page** = headless Chromium at 1280×720, \
         `?preset=NAME&speed=max`, Play pressed 1 s after the page is ready (a reader's pause, in which the \
         simulation warms its code up), from `rankflow.play()` to the `finished` event (every run and the convex \
         baseline done — the baseline solved by the helper worker meanwhile — charts drawn all along, at most 20 \
         times a second at full speed on a machine with two cores or fewer, else every frame); **at once** = the \
         same with Play pressed the moment the page is ready (code still cold, on a fresh page); \
         **flat** = the same wasm build stepping the preset's runs to their end in one loop, nothing drawn (the second of two such runs, \
         so that it is timed with its code optimised); **native** \
         = `rankflow run --preset NAME --no-baseline`, the whole process. Long tasks: main-thread tasks > 50 ms while \
         the page plays (Long Tasks API), after the pause and with Play at once (from the moment the page is ready); \
         frame gaps: between animation frames while it plays.\n"
    );
    let _ = writeln!(
        s,
        "| preset | page (s) | flat wasm (s) | native (s) | page / flat (≤ 1.25) | page / native (≤ 2.5) | at once (s) | at once / flat | at once / native (≤ 2.5 where native ≥ 0.5 s) | long tasks > 50 ms | long tasks, Play at once | frame gap p95 (ms) |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    let (mut flat_ok, mut native_ok, mut long_ok, mut gap_ok, mut at_once_ok) = (0, 0, 0, 0, 0);
    let (mut long_at_once_ok, mut at_once_native_ok, mut at_once_native_n) = (0, 0, 0);
    let presets: Vec<&Value> = rows.iter().filter(|r| r["engine"] == "preset").collect();
    for r in &presets {
        let (page, flat, native) = (num(r, "page_s"), num(r, "flat_s"), num(r, "native_s"));
        flat_ok += usize::from(page / flat <= 1.25);
        at_once_ok += usize::from(num(r, "page_at_once_s") / flat <= 1.25);
        native_ok += usize::from(page / native <= 2.5);
        long_ok += usize::from(num(r, "long_tasks") == 0.0);
        long_at_once_ok += usize::from(num(r, "long_tasks_at_once") == 0.0);
        let at_once_native = num(r, "page_at_once_s") / native;
        if native >= 0.5 {
            at_once_native_n += 1;
            at_once_native_ok += usize::from(at_once_native <= 2.5);
        }
        // A run shorter than two frames has no gap between frames to report (and drops no frame).
        let gap = num(r, "gap_p95_ms");
        gap_ok += usize::from(gap.is_nan() || gap <= 17.5);
        let gap = if gap.is_finite() { format!("{gap:.1}") } else { "– (ended within 2 frames)".into() };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.2}× | {:.2}× | {} | {:.2}× | {at_once_native:.2}× | {} (longest {:.0} ms) | {} (longest {:.0} ms) | {gap} |",
            r["preset"].as_str().unwrap_or("?"),
            seconds(page),
            seconds(flat),
            seconds(native),
            page / flat,
            page / native,
            seconds(num(r, "page_at_once_s")),
            num(r, "page_at_once_s") / flat,
            num(r, "long_tasks"),
            num(r, "longest_task_ms"),
            num(r, "long_tasks_at_once"),
            num(r, "longest_task_at_once_ms"),
        );
    }
    let n = presets.len();
    let _ = writeln!(
        s,
        "\n- page ≤ 1.25× flat: {flat_ok} of {n} presets; page ≤ 2.5× native: {native_ok} of {n}; no long task: {long_ok} of {n}; frame gap p95 ≤ 17.5 ms: {gap_ok} of {n}; with Play pressed at once, page ≤ 1.25× flat: {at_once_ok} of {n}, no long task: {long_at_once_ok} of {n}, page ≤ 2.5× native: {at_once_native_ok} of the {at_once_native_n} presets whose native run takes ≥ 0.5 s."
    );
    if let Some(d) = rows.iter().find(|r| r["engine"] == "drag") {
        let t = num(d, "release_to_end_s");
        let _ = writeln!(
            s,
            "- dragging α on `incremental` with the mouse (20 moves, 30 ms apart): the released value's run drawn to its \
             end {t:.2} s after release vs ≤ 2 s — {}.",
            if t <= 2.0 { "met" } else { "**missed**" }
        );
    }
    s
}

fn render(r: &BTreeMap<(String, usize, usize), f64>, frame: &Value, size: &Value) -> String {
    let get = |e: &str, n: usize, l: usize| r.get(&(e.to_string(), n, l)).copied().unwrap_or(f64::NAN);
    // numpy's rate on its own (dense) work.
    let numpy_gflops = |n: usize, l: usize| get("numpy", n, l) * dense_flops(n, l) / 1e9;
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmarks\n");
    let _ = writeln!(
        s,
        "Produced by `cargo xtask bench` on {}. Workload: n×n completion, 20% observed, rank 5, GD,",
        machine()
    );
    let _ = writeln!(s, "depth L; steps/s are medians of 5 runs of 0.5 s, all engines side by side in one run (frame figures: medians of 240 frames, redraw: of 40). GFLOP/s count the");
    let _ = writeln!(s, "dense work of the numpy step (3(L−1) products of 2n³): rankflow does less (the completion residual is sparse),");
    let _ =
        writeln!(s, "so its GFLOP/s are *equivalent* rates. The machine is shared and noisy; compare the ratios.\n");
    let _ = writeln!(
        s,
        "| n | L | numpy steps/s (GFLOP/s) | native (× numpy) | wasm in node (× numpy) | wasm simd128 in Chromium (× numpy) |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for &n in &SIZES {
        for &l in &DEPTHS {
            let np = get("numpy", n, l);
            let cell = |e: &str| {
                let v = get(e, n, l);
                format!("{v:.0} ({:.2}×)", v / np)
            };
            let _ = writeln!(
                s,
                "| {n} | {l} | {np:.0} ({:.1}) | {} | {} | {} |",
                numpy_gflops(n, l),
                cell("native"),
                cell("wasm-node"),
                cell("wasm-chromium")
            );
        }
    }
    let _ = writeln!(s, "\n## Targets\n");
    // The worst ratio over the workloads, and where it occurs.
    let ratio_min = |e: &str, sizes: &[usize]| {
        sizes
            .iter()
            .flat_map(|&n| DEPTHS.iter().map(move |&l| (n, l)))
            .map(|(n, l)| (get(e, n, l) / get("numpy", n, l), n, l))
            .fold((f64::INFINITY, 0, 0), |a, b| if b.0 < a.0 { b } else { a })
    };
    let mark = |ok: bool| if ok { "met" } else { "**missed**" };
    let lines = [
        ("wasm simd128 in Chromium ≥ 1.0× numpy at n ≤ 100", ratio_min("wasm-chromium", &[20, 50, 100]), 1.0),
        ("wasm in node ≥ 1.0× numpy at n ≤ 100", ratio_min("wasm-node", &[20, 50, 100]), 1.0),
        ("wasm simd128 in Chromium ≥ 0.5× numpy at n = 200", ratio_min("wasm-chromium", &[200]), 0.5),
        ("wasm in node ≥ 0.5× numpy at n = 200", ratio_min("wasm-node", &[200]), 0.5),
        ("native ≥ 2× numpy at every size", ratio_min("native", &SIZES), 2.0),
    ];
    for (what, (got, n, l), want) in lines {
        let verdict =
            if got >= want { "met".to_string() } else { format!("**missed** by {:.0}%", 100.0 * (1.0 - got / want)) };
        let _ = writeln!(s, "- {what}: worst ratio {got:.2}× (n = {n}, L = {l}) — {verdict}");
    }
    let f = |k: &str| frame[k].as_f64().unwrap_or(f64::NAN);
    let total = size["total_gzip"].as_f64().unwrap_or(f64::NAN);
    let _ = writeln!(
        s,
        "- load size, gzip -9 of everything a page load fetches (wasm, JS glue and modules, simulation worker, HTML, CSS, \
         icon): {:.0} KB (wasm {:.0} KB of {:.0} KB raw) vs ≤ 200 KB — {}",
        total / 1024.0,
        size["gzip_bytes"][size["wasm_file"].as_str().unwrap_or("")].as_f64().unwrap_or(0.0) / 1024.0,
        size["wasm_raw"].as_f64().unwrap_or(0.0) / 1024.0,
        mark(total <= 200.0 * 1024.0)
    );
    let _ = writeln!(
        s,
        "- first chart on screen after navigation (localhost): {:.0} ms vs ≤ 1000 ms — {}",
        f("first_chart_ms"),
        mark(f("first_chart_ms") <= 1000.0)
    );
    // Where the time goes: real rates (rankflow's own flop count) against numpy's, from this run.
    let real = |e: &str, n: usize, l: usize| get(e, n, l) * rankflow_flops(n, l) / 1e9;
    let numpy_rates: Vec<f64> =
        [50, 100, 200].iter().flat_map(|&n| DEPTHS.iter().map(move |&l| numpy_gflops(n, l))).collect();
    let (np_lo, np_hi) = numpy_rates.iter().fold((f64::INFINITY, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
    let frac = |l: usize| rankflow_flops(100, l) / dense_flops(100, l);
    let _ = writeln!(s, "\n## Why the missed targets are missed\n");
    let _ = writeln!(
        s,
        "At n ≥ 50 the numpy step is OpenBLAS dgemm at {np_lo:.0}–{np_hi:.0} GFLOP/s on one core (AVX-512 FMA; the issue \
         assumed ≈ 12). rankflow does only part of that work — {:.2} / {:.2} / {:.2} of it at L = 2 / 3 / 4, because \
         ∇ℓ(W) is zero off the observed entries — so parity needs a real rate of that fraction × numpy's, and 2× needs twice that.",
        frac(2),
        frac(3),
        frac(4)
    );
    let _ = writeln!(
        s,
        "- wasm (simd128 `f64x2`, one thread): the packed kernel runs at {:.1} GFLOP/s real at n = 200, L = 4 in Chromium \
         ({:.1} at n = 100, L = 3), {:.2}× the native kernel's rate there (two \
         lanes per instruction against AVX-512's eight). At n = 50, L = 4 it runs at {:.1} GFLOP/s real, where \
         parity would need {:.1} ({:.2} × numpy's {:.0}).",
        real("wasm-chromium", 200, 4),
        real("wasm-chromium", 100, 3),
        real("wasm-chromium", 200, 4) / real("native", 200, 4),
        real("wasm-chromium", 50, 4),
        frac(4) * numpy_gflops(50, 4),
        frac(4),
        numpy_gflops(50, 4)
    );
    let _ = writeln!(
        s,
        "- native (matrixmultiply's AVX-512 dgemm, one thread): {:.1} GFLOP/s real at n = 200, L = 4 and {:.1} at n = 50, L = 4, \
         against numpy's {:.1} and {:.1}; the ratio to numpy is (rate / numpy's rate) / (work fraction), and at equal rates \
         1 / (work fraction) ≈ {:.1}× at L = 4 and {:.1}× at L = 3. At L = 2 the pass over Ω ({:.1} GFLOP/s real at n = 100) is \
         bound by loads and stores, not arithmetic. Splitting each product and the pass over Ω across the two threads (rayon) was \
         tried while writing this (not re-measured here): 1.2–1.4× faster at n = 200, 0.73× at n = 100, L = 2, unchanged at n = 50 \
         on this 2-vCPU machine, so it was not kept.",
        real("native", 200, 4),
        real("native", 50, 4),
        numpy_gflops(200, 4),
        numpy_gflops(50, 4),
        1.0 / frac(4),
        1.0 / frac(3),
        real("native", 100, 2)
    );
    let wasm_gzip = size["gzip_bytes"][size["wasm_file"].as_str().unwrap_or("")].as_f64().unwrap_or(f64::NAN);
    let _ = writeln!(
        s,
        "- load: the wasm is {:.0} % of it ({:.0} KB gzip) and holds the whole lab — the dynamics and its nalgebra \
         decompositions, the figure model and plotters' drawing, serde_json for configs, links, sweeps and exports, float \
         formatting — built for size (opt-level \"z\"; the hot loop and the routines it calls every step at 3). The rest is \
         the JS modules, the wasm-bindgen glue, HTML and CSS ({:.0} KB). Reaching 200 KB would mean leaving features \
         out of the first load.",
        100.0 * wasm_gzip / total,
        wasm_gzip / 1024.0,
        (total - wasm_gzip) / 1024.0
    );
    s
}
