//! The Python package (python/): `cargo xtask wheel` builds its wheel with maturin, the lab's page inside;
//! `cargo xtask test-python` installs that wheel in a venv and runs pytest (the core against the CLI, figures,
//! the widget's Python side), the example notebook under nbclient, and JupyterLab in Chromium playing a widget.
//!
//! Everything comes from PyPI into one venv, target/python-venv (created with the machine's python3).

use crate::{root, run};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the venv needs: maturin to build; the package's dependencies; pytest, nbclient and JupyterLab to test.
const TOOLS: &[&str] = &[
    "maturin>=1.16,<2",
    "numpy>=1.21",
    "anywidget>=0.9",
    "pytest>=8",
    "nbclient>=0.10",
    "nbformat>=5.10",
    "ipykernel>=6.29",
    "jupyterlab>=4.2,<5",
];

/// target/python-venv with TOOLS installed (once: a stamp records what was installed).
fn venv(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/python-venv");
    let python = dir.join("bin/python");
    if !python.exists() {
        // Debian's python3 has no venv (nor ensurepip) until python3-venv is installed.
        if crate::output(Command::new("python3").args(["-c", "import venv, ensurepip"])).is_none() {
            crate::ensure_apt("python3-venv", Path::new("/nonexistent/python3-venv"), &["python3-venv"], "")?;
        }
        eprintln!("xtask: creating {} (python3 -m venv)", dir.display());
        run(Command::new("python3").args(["-m", "venv"]).arg(&dir))?;
    }
    let stamp = dir.join(".rankflow-tools");
    let want = TOOLS.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(want.as_str()) {
        eprintln!("xtask: installing {} into the venv from PyPI", TOOLS.join(", "));
        run(Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(TOOLS))?;
        std::fs::write(&stamp, want).map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

/// Builds the wheel (release, the page inside) into target/wheels; returns its path.
pub(crate) fn wheel() -> Result<PathBuf, String> {
    crate::dist()?;
    let root = root();
    let venv = venv(&root)?;
    let out = root.join("target/wheels");
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new(venv.join("bin/maturin"))
        .current_dir(root.join("python"))
        .args(["build", "--release", "--quiet", "--out"])
        .arg(&out)
        .env("VIRTUAL_ENV", &venv))?;
    let wheel = std::fs::read_dir(&out)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("maturin wrote no wheel")?;
    eprintln!("xtask: built {}", wheel.display());
    Ok(wheel)
}

/// The wheel installed in the venv; pytest; the example notebook; JupyterLab in Chromium.
pub(crate) fn test() -> Result<(), String> {
    let wheel = wheel()?;
    let root = root();
    let venv = venv(&root)?;
    let python = venv.join("bin/python");
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--force-reinstall", "--no-deps"])
        .arg(&wheel))?;
    // The CLI the tests compare with: `wheel` built it (`dist` → `build`, for the posters).
    let cli = root.join("target/fast/rankflow");
    // The venv first on PATH: the notebook's kernel ("python3") is the venv's Python.
    let path = format!("{}:{}", venv.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    // From outside python/, so that `import rankflow` is the installed wheel, not the source folder.
    run(Command::new(&python)
        .env("PATH", &path)
        .current_dir(root.join("target"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("python/tests"))
        .env("RANKFLOW_CLI", &cli))?;
    let chromium = crate::ensure_chromium()?;
    let browser_dir = root.join("tests/browser");
    if !browser_dir.join("node_modules/playwright-core").exists() {
        run(Command::new("npm").current_dir(&browser_dir).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    run(Command::new("node")
        .current_dir(&browser_dir)
        .args(["--test", "jupyter.python.mjs"])
        .env("RANKFLOW_VENV", &venv)
        .env("PATH", &path)
        .env("CHROMIUM", &chromium))
}
