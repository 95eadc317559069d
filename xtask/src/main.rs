//! Build helper: `cargo xtask build | serve [--port P] | test`.
//!
//! build: installs what is missing (wasm32 target, the wasm-bindgen CLI at exactly the version in
//!        Cargo.lock), compiles the core to wasm and writes the JS bindings to www/pkg.
//! serve: build, then serve www/ on http://127.0.0.1:PORT (default 8000).
//! bench: native, wasm (node, Chromium) and the numpy peer side by side; writes BENCHMARKS.md.
//! bench-sweep: only the research-scale sweep (sweeps/research.json), its BENCHMARKS.md section replaced.
//! bench-page: only the page per preset (bench/page.mjs), its BENCHMARKS.md section replaced.
//! dist:  build, then copy www/ into a self-contained dist/ (relative URLs only: any static host, any sub-path),
//!        and write dist/rankflow.html, the whole page in one file that opens from file:// (see single_file).
//! test:  every test: native `cargo test`, then the wasm build and the real-browser tests
//!        (headless Chromium driven by playwright-core against the served page).

mod bench;
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
        Some("test") => test(),
        Some("bench") => bench::bench(),
        Some("bench-sweep") => bench::bench_sweep(),
        Some("bench-page") => bench::bench_page(),
        Some("dist") => dist().map(|d| println!("static site in {}", d.display())),
        _ => {
            Err("usage: cargo xtask build | serve [--port PORT] | dist | test | bench | bench-sweep | bench-page"
                .into())
        }
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

/// Compiles the core to wasm and writes www/pkg/rankflow.js + rankflow_bg.wasm, and the same core built with
/// relaxed-simd (fused multiply-add in the product kernel) as www/pkg/rankflow_relaxed_bg.wasm, which the page
/// loads instead where the browser validates relaxed-simd. Both builds share one JS glue (checked).
pub(crate) fn build() -> Result<(), String> {
    ensure_toolchain()?;
    let root = root();
    let variants: [(&str, &str, &str); 2] = [
        ("target", "+simd128", "rankflow_bg.wasm"),
        ("target/relaxed", "+simd128,+relaxed-simd", "rankflow_relaxed_bg.wasm"),
    ];
    let mut glue: Option<String> = None;
    for (target_dir, features, name) in variants {
        run(Command::new("cargo")
            .current_dir(&root)
            .env("RUSTFLAGS", format!("-C target-feature={features}"))
            .args([
                "build",
                "--profile",
                "wasm",
                "--lib",
                "--package",
                "rankflow",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .arg("--target-dir")
            .arg(root.join(target_dir)))?;
        let wasm = root.join(target_dir).join("wasm32-unknown-unknown/wasm/rankflow.wasm");
        let out = root.join("target/bindgen").join(name);
        run(Command::new("wasm-bindgen")
            .arg("--target")
            .arg("web")
            .args(["--no-typescript", "--remove-name-section", "--remove-producers-section"])
            .arg("--out-dir")
            .arg(&out)
            .arg(&wasm))?;
        let js = std::fs::read_to_string(out.join("rankflow.js")).map_err(|e| e.to_string())?;
        match &glue {
            None => glue = Some(js),
            Some(first) if *first != js => return Err("the relaxed-simd build needs different JS glue".into()),
            Some(_) => {}
        }
        let pkg = root.join("www/pkg");
        std::fs::create_dir_all(&pkg).map_err(|e| e.to_string())?;
        std::fs::copy(out.join("rankflow_bg.wasm"), pkg.join(name)).map_err(|e| e.to_string())?;
        let size = std::fs::metadata(pkg.join(name)).map(|m| m.len()).unwrap_or(0);
        eprintln!("xtask: built www/pkg/{name} ({} KB)", size / 1024);
    }
    std::fs::write(root.join("www/pkg/rankflow.js"), glue.unwrap_or_default()).map_err(|e| e.to_string())?;
    Ok(())
}

/// Builds and copies www/ to dist/ (replacing it).
fn dist() -> Result<PathBuf, String> {
    build()?;
    let root = root();
    let out = root.join("dist");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    copy_dir(&root.join("www"), &out).map_err(|e| format!("cannot copy www/ to dist/: {e}"))?;
    let size = single_file::write(&root.join("www"), &out.join("rankflow.html"))?;
    eprintln!("xtask: wrote dist/rankflow.html ({} KB, opens from file://)", size / 1024);
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

fn ensure_chromium() -> Result<PathBuf, String> {
    let path = PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if path.exists() {
        return Ok(path);
    }
    let is_root = output(Command::new("id").arg("-u")).map(|s| s.trim() == "0").unwrap_or(false);
    if !is_root {
        return Err(format!(
            "Chromium not found at {}; install it (Debian: apt-get install chromium) or set CHROMIUM",
            path.display()
        ));
    }
    eprintln!("xtask: installing Chromium with apt-get");
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "chromium", "fonts-dejavu-core"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(path)
}

fn test() -> Result<(), String> {
    let root = root();
    run(Command::new("cargo").current_dir(&root).args(["test", "--release", "--workspace"]))?;
    dist()?;
    let chromium = ensure_chromium()?;
    let browser_dir = root.join("tests/browser");
    if !browser_dir.join("node_modules/playwright-core").exists() {
        run(Command::new("npm").current_dir(&browser_dir).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let (url, _server) = server::spawn(&root.join("www"))?;
    // The same site from dist/, under a sub-path, as a static host such as GitHub Pages serves it.
    let (repo_url, _repo_server) = server::spawn(&root)?;
    let subpath_url = format!("{repo_url}dist/");
    eprintln!("xtask: browser tests against {url} (and {subpath_url})");
    run(Command::new("node")
        .current_dir(&browser_dir)
        .args(["--test", "--test-concurrency=1"])
        .env("RANKFLOW_URL", &url)
        .env("RANKFLOW_SUBPATH_URL", &subpath_url)
        .env("CHROMIUM", &chromium))
}
