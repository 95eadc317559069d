//! Build helper: `cargo xtask build | serve [--port P] | test`.
//!
//! build: installs what is missing (wasm32 target, the wasm-bindgen CLI at exactly the version in
//!        Cargo.lock), compiles the core to wasm and writes the JS bindings to www/pkg.
//! serve: build, then serve www/ on http://127.0.0.1:PORT (default 8000).
//! bench: native, wasm (node, Chromium) and the numpy peer side by side; writes BENCHMARKS.md.
//! bench-sweep: only the research-scale sweep (sweeps/research.json), its BENCHMARKS.md section replaced.
//! bench-page: only the page per preset (bench/page.mjs), its BENCHMARKS.md section replaced.
//! bench-jax: only native against JAX and the roofline (FMA peak, product kernels), its section replaced.
//! bench-svd: only nalgebra's SVD against faer's (bench/svd, its own workspace), its section replaced.
//! dist:  build, then copy www/ into a self-contained dist/ (relative URLs only: any static host, any sub-path),
//!        and write dist/rankflow.html, the whole page in one file that opens from file:// (see single_file).
//! test:  every test: native `cargo test`, then the wasm build and the real-browser tests (headless Chromium
//!        driven by playwright-core against the served page); `--soak`: the long robustness runs instead.
//! wheel: the Python package's wheel (python/, maturin), the page inside, in target/wheels.
//! test-python: that wheel in a venv: pytest, the example notebook (nbclient), a widget in JupyterLab.

mod bench;
mod python;
mod server;
mod single_file;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build(),
        Some("serve") => parse_port(&args[1..]).and_then(|port| {
            build()?;
            server::serve(&root().join("www"), port, |url| println!("rankflow is running at {url}  (Ctrl-C to stop)"))
        }),
        Some("test") => match &args[1..] {
            [] => test(false),
            [flag] if flag == "--soak" => test(true),
            _ => Err("usage: cargo xtask test [--soak]".into()),
        },
        Some("bench") => bench::bench(),
        Some("bench-sweep") => bench::bench_sweep(),
        Some("bench-page") => bench::bench_page(),
        Some("bench-jax") => bench::bench_jax(),
        Some("bench-svd") => bench::bench_svd(),
        Some("dist") => dist().map(|d| println!("static site in {}", d.display())),
        Some("wheel") => python::wheel().map(|w| println!("wheel: {} (pip install it)", w.display())),
        Some("test-python") => python::test(),
        _ => Err(
            "usage: cargo xtask build | serve [--port PORT] | dist | test [--soak] | wheel | test-python | bench | bench-sweep \
             | bench-page | bench-jax | bench-svd"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_port(args: &[String]) -> Result<u16, String> {
    match args {
        [] => Ok(8000),
        [flag, p] if flag == "--port" => p.parse().map_err(|_| format!("--port: expected 0..65535, got {p:?}")),
        _ => Err("usage: cargo xtask serve [--port PORT]".into()),
    }
}

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

pub(crate) fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

pub(crate) fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The wasm-bindgen version locked in Cargo.lock (the CLI must match it exactly).
fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen not found in Cargo.lock".into())
}

fn ensure_toolchain() -> Result<(), String> {
    let targets = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let want = locked_wasm_bindgen_version()?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(want.as_str()) {
        eprintln!("xtask: installing wasm-bindgen-cli {want} (found {:?}); this takes a few minutes once", have.trim());
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))?;
    }
    Ok(())
}

/// Compiles the core to wasm (simd128) and writes the JS bindings and the module to www/pkg/rankflow.js and
/// www/pkg/rankflow_bg.wasm.
pub(crate) fn build() -> Result<(), String> {
    ensure_toolchain()?;
    let root = root();
    // The posters are drawn by the native CLI while the wasm compiles (its last, single-threaded link leaves a core
    // idle); the CLI is built first, since two cargo builds in one target directory would wait for each other.
    run(Command::new("cargo").current_dir(&root).args(["build", "--profile", "fast", "--bin", "rankflow"]))?;
    let posters = {
        let root = root.clone();
        std::thread::spawn(move || posters(&root))
    };
    run(Command::new("cargo").current_dir(&root).env("RUSTFLAGS", "-C target-feature=+simd128").args([
        "build",
        "--profile",
        "wasm",
        "--lib",
        "--package",
        "rankflow",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let wasm = root.join("target/wasm32-unknown-unknown/wasm/rankflow.wasm");
    let pkg = root.join("www/pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| e.to_string())?;
    run(Command::new("wasm-bindgen")
        .arg("--target")
        .arg("web")
        .args(["--no-typescript", "--remove-name-section", "--remove-producers-section"])
        .arg("--out-dir")
        .arg(&pkg)
        .arg(&wasm))?;
    let size = std::fs::metadata(pkg.join("rankflow_bg.wasm")).map(|m| m.len()).unwrap_or(0);
    eprintln!("xtask: built www/pkg/rankflow_bg.wasm ({} KB)", size / 1024);
    // A relaxed-simd build of earlier versions; a checkout that has one must not serve it.
    let _ = std::fs::remove_file(pkg.join("rankflow_relaxed_bg.wasm"));
    posters.join().map_err(|_| "the posters' thread panicked".to_string())?
}

/// www/posters/: every preset's finished σ chart and claim figure (SVG, PNG) and index.json, written by the native
/// CLI (`rankflow posters`); the page shows one while its wasm loads. Rewritten only when the CLI changed.
fn posters(root: &Path) -> Result<(), String> {
    let cli = root.join("target/fast/rankflow");
    let meta = std::fs::metadata(&cli).map_err(|e| format!("no CLI at {}: {e}", cli.display()))?;
    let stamp = format!("{} {:?}", meta.len(), meta.modified().ok());
    let dir = root.join("www/posters");
    if std::fs::read_to_string(dir.join(".stamp")).is_ok_and(|s| s == stamp) {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(&dir);
    run(Command::new(&cli).arg("posters").arg("--out").arg(&dir))?;
    std::fs::write(dir.join(".stamp"), stamp).map_err(|e| e.to_string())
}

/// Builds and copies www/ to dist/ (replacing it).
pub(crate) fn dist() -> Result<PathBuf, String> {
    build()?;
    let root = root();
    let out = root.join("dist");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    copy_dir(&root.join("www"), &out).map_err(|e| format!("cannot copy www/ to dist/: {e}"))?;
    let size = single_file::write(&root.join("www"), &out.join("rankflow.html"))?;
    eprintln!("xtask: wrote dist/rankflow.html ({} KB, opens from file://)", size / 1024);
    // The Python package's widget shows this page (python/rankflow/widget.py); a wheel or `pip install ./python`
    // takes it from here.
    let page = root.join("python/rankflow/static");
    std::fs::create_dir_all(&page).map_err(|e| e.to_string())?;
    std::fs::copy(out.join("rankflow.html"), page.join("rankflow.html")).map_err(|e| e.to_string())?;
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

pub(crate) fn ensure_chromium() -> Result<PathBuf, String> {
    let path = PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    ensure_apt("Chromium", &path, &["chromium", "fonts-dejavu-core"], "CHROMIUM")?;
    Ok(path)
}

/// The two other engines of the smoke subset, from Debian's packages: Firefox ESR (driven over WebDriver BiDi) and
/// WebKitGTK's MiniBrowser through WebKitWebDriver, under Xvfb.
fn ensure_other_engines() -> Result<(), String> {
    let firefox = PathBuf::from(std::env::var("FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".into()));
    ensure_apt("Firefox ESR", &firefox, &["firefox-esr"], "FIREFOX")?;
    ensure_apt("WebKitWebDriver", Path::new("/usr/bin/WebKitWebDriver"), &["webkit2gtk-driver"], "")?;
    ensure_apt("xvfb-run", Path::new("/usr/bin/xvfb-run"), &["xvfb", "xauth"], "")
}

/// Installs `packages` with apt-get when `path` is missing (as root; otherwise says what to install).
pub(crate) fn ensure_apt(what: &str, path: &Path, packages: &[&str], env: &str) -> Result<(), String> {
    if path.exists() {
        return Ok(());
    }
    let is_root = output(Command::new("id").arg("-u")).map(|s| s.trim() == "0").unwrap_or(false);
    if !is_root {
        let or_env = if env.is_empty() { String::new() } else { format!(" or set {env}") };
        return Err(format!(
            "{what} not found at {}; install it (Debian: apt-get install {}){or_env}",
            path.display(),
            packages.join(" ")
        ));
    }
    eprintln!("xtask: installing {what} with apt-get ({})", packages.join(", "));
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get").args(["install", "-y", "-q"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Every test, timed by phase: the native build, `cargo test` (profile `fast`) beside the wasm build and dist/, then the
/// browser tests against the served page — the files concurrently in one shared Chromium, then those that measure
/// time alone, then the smoke subset (engines.smoke.mjs) in Firefox ESR and WebKitGTK side by side. With `soak`,
/// instead, the long robustness runs: the ignored Rust tests (every preset at seeds 2–5) and the browser's
/// `*.soak.mjs` (≥ 200 hostile URLs, 1,000 random actions, 10⁷ steps).
fn test(soak: bool) -> Result<(), String> {
    let root = root();
    let mut phases: Vec<(&str, f64)> = Vec::new();
    let mut timed = |name, f: &mut dyn FnMut() -> Result<(), String>| {
        let t0 = std::time::Instant::now();
        let result = f();
        phases.push((name, t0.elapsed().as_secs_f64()));
        let report: Vec<String> = phases.iter().map(|(n, s)| format!("{n} {s:.0} s")).collect();
        eprintln!("xtask: test phases: {}", report.join(", "));
        result
    };
    // In `fast`, the profile `cargo xtask` itself was built with: its dependencies are not compiled twice. The
    // Python extension is built and tested by `cargo xtask test-python`.
    let cargo_test = |extra: &[&str]| {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&root)
            .args(["test", "--profile", "fast", "--workspace", "--exclude", "rankflow-python"])
            .args(extra);
        run(&mut cmd)
    };
    timed("native build", &mut || cargo_test(&["--no-run"]))?;
    // The wasm build and dist/ beside the native tests: the tests leave part of a core idle (their last, longest
    // tests) and so does the wasm build (its single-threaded link); neither reads what the other writes.
    timed("native tests beside the wasm build and dist", &mut || {
        std::thread::scope(|s| {
            let wasm = s.spawn(|| dist().map(|_| ()));
            let native = cargo_test(if soak { &["--", "--ignored"] } else { &[] });
            let wasm = wasm.join().map_err(|_| "the wasm build's thread panicked".to_string());
            native.and(wasm?)
        })
    })?;
    let chromium = ensure_chromium()?;
    let browser_dir = root.join("tests/browser");
    let installed = ["playwright-core", "puppeteer-core", "@biomejs/biome"];
    if installed.iter().any(|p| !browser_dir.join("node_modules").join(p).exists()) {
        run(Command::new("npm").current_dir(&browser_dir).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let (url, _server) = server::spawn(&root.join("www"))?;
    // The same site from dist/, under a sub-path, as a static host such as GitHub Pages serves it.
    let (repo_url, _repo_server) = server::spawn(&root)?;
    let subpath_url = format!("{repo_url}dist/");
    let shared = SharedBrowser::start(&browser_dir, &chromium)?;
    eprintln!("xtask: browser tests against {url} (and {subpath_url}), one Chromium at {}", shared.endpoint);
    let files = |suffix: &str, except: &[&str]| -> Result<Vec<String>, String> {
        let mut names: Vec<String> = std::fs::read_dir(&browser_dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(suffix) && !except.contains(&n.as_str()))
            .collect();
        // Sorted, the longest file first (one page playing every preset), so that both slots end together.
        names.sort_by_key(|n| (n.as_str() != LONGEST, n.clone()));
        Ok(names)
    };
    let node = |concurrency: usize, names: Vec<String>| {
        run(Command::new("node")
            .current_dir(&browser_dir)
            .arg("--test")
            .arg(format!("--test-concurrency={concurrency}"))
            .args(names)
            .env("RANKFLOW_URL", &url)
            .env("RANKFLOW_SUBPATH_URL", &subpath_url)
            .env("RANKFLOW_CLI", root.join("target/fast/rankflow"))
            .env("RANKFLOW_BROWSER_WS", &shared.endpoint)
            .env("CHROMIUM", &chromium))
    };
    if soak {
        return timed("browser soak", &mut || node(2, files(".soak.mjs", &[])?));
    }
    timed("browser", &mut || node(2, files(".test.mjs", &[TIMING_TESTS])?))?;
    timed("browser, timed alone", &mut || node(1, vec![TIMING_TESTS.to_string()]))?;
    // The smoke subset in the other engines (in Chromium the suite above covers it: api, embed and offline tests).
    ensure_other_engines()?;
    timed("Firefox ESR and WebKitGTK smoke", &mut || {
        run(Command::new("node")
            .current_dir(&browser_dir)
            .args(["--test", "--test-concurrency=1", "engines.smoke.mjs"])
            .env("RANKFLOW_URL", &url)
            .env("RANKFLOW_CLI", root.join("target/fast/rankflow"))
            .env("RANKFLOW_ENGINES", std::env::var("RANKFLOW_ENGINES").unwrap_or_else(|_| "firefox,webkit".into())))
    })
}

/// The browser test file that takes longest.
const LONGEST: &str = "presets.test.mjs";

/// The browser tests that measure time (frames, gaps between steps): run alone, after the others.
const TIMING_TESTS: &str = "timing.test.mjs";

/// tests/browser/browser-server.mjs: one Chromium the test files connect to; closed when dropped.
struct SharedBrowser {
    child: std::process::Child,
    endpoint: String,
}

impl SharedBrowser {
    fn start(dir: &Path, chromium: &Path) -> Result<SharedBrowser, String> {
        use std::io::BufRead;
        let mut child = Command::new("node")
            .current_dir(dir)
            .arg("browser-server.mjs")
            .env("CHROMIUM", chromium)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the shared browser: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("the shared browser has no stdout")?;
        std::io::BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
        let endpoint = line.trim().to_string();
        if !endpoint.starts_with("ws://") {
            let _ = child.kill();
            return Err(format!("the shared browser did not start (said {endpoint:?})"));
        }
        Ok(SharedBrowser { child, endpoint })
    }
}

impl Drop for SharedBrowser {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
