//! `rankflow._rankflow`: the core's runs, reports and figures for the Python package (python/rankflow).
//!
//! Everything crosses as text the core already writes: a run's report is the JSON of `rankflow run --out`, a figure
//! the SVG of `rankflow figures`, so Python sees the CLI's numbers bit for bit (serde_json writes the shortest
//! representation that reads back to the same f64). Bad input is a `ValueError` naming the field.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rankflow::claims;
use rankflow::config::Config;
use rankflow::experiment::presets;
use rankflow::experiment::Experiment;
use rankflow::figure::build::Options;
use rankflow::figure::export;
use rankflow::figure::render::Style;

/// A finished experiment (its runs to their end, the convex baseline solved): report, figures, CSV.
#[pyclass(unsendable, module = "rankflow._rankflow")]
struct Finished {
    exp: Experiment,
}

/// Steps advanced between checks for Ctrl-C (a few milliseconds of work at the presets' sizes).
const SLICE: u64 = 2_000;

fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

/// Runs `exp` to its end and solves its baseline; Ctrl-C in Python interrupts it (KeyboardInterrupt). Slicing
/// changes nothing in the result (`Experiment::advance` observes at the same steps however it is called).
fn finish(py: Python<'_>, mut exp: Experiment) -> PyResult<Finished> {
    // As `rankflow run`: every core for products and passes above the kernel's crossovers (bit for bit the same
    // numbers as on one thread).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    rankflow::kernel::threads::with(cores, || -> PyResult<()> {
        while exp.running() {
            exp.advance(SLICE);
            py.check_signals()?;
        }
        Ok(())
    })?;
    exp.finish_baseline();
    Ok(Finished { exp })
}

/// `config` with its "steps" (and, with `seed`, its "seed") replaced, validated by the core.
fn with_overrides(config: &Config, steps: Option<u64>, seed: Option<u64>) -> Result<Config, String> {
    let mut v = serde_json::to_value(config).map_err(|e| e.to_string())?;
    if let Some(s) = steps {
        v["steps"] = s.into();
    }
    if let Some(s) = seed {
        v["seed"] = s.into();
    }
    Config::from_json(&v.to_string()).map_err(|e| e.to_string())
}

/// Runs the preset `name` (re-seeded with `seed`, every run's length set to `steps`) to its end.
#[pyfunction]
#[pyo3(signature = (name, seed=None, steps=None))]
fn run_preset(py: Python<'_>, name: &str, seed: Option<u64>, steps: Option<u64>) -> PyResult<Finished> {
    let p = presets::find(name)
        .ok_or_else(|| value_error(format!("preset: unknown name {name:?}; one of {}", presets::names())))?;
    let mut p = match seed {
        Some(s) if s > rankflow::config::MAX_SEED => {
            return Err(value_error(format!(
                "seed: expected an integer in [0, {}], got {s}",
                rankflow::config::MAX_SEED
            )))
        }
        Some(s) => p.at_seed(s).ok_or_else(|| value_error(format!("seed: {s} is too large for these runs")))?,
        None => p,
    };
    if steps.is_some() {
        for r in &mut p.runs {
            r.config = with_overrides(&r.config, steps, None).map_err(value_error)?;
        }
    }
    finish(py, p.experiment())
}

/// Runs one config (JSON text, the form of `rankflow run --config`) to its end.
#[pyfunction]
#[pyo3(signature = (config_json, seed=None, steps=None))]
fn run_config(py: Python<'_>, config_json: &str, seed: Option<u64>, steps: Option<u64>) -> PyResult<Finished> {
    let config = Config::from_json(config_json).map_err(|e| value_error(e.to_string()))?;
    let config = with_overrides(&config, steps, seed).map_err(value_error)?;
    finish(py, Experiment::single(config))
}

/// Checks a config (JSON text) as the core reads it; a `ValueError` names the field.
#[pyfunction]
fn check_config(config_json: &str) -> PyResult<()> {
    Config::from_json(config_json).map(|_| ()).map_err(|e| value_error(e.to_string()))
}

/// The presets as `rankflow presets --json` prints them.
#[pyfunction]
fn presets_json() -> String {
    serde_json::to_string(&presets::all()).expect("presets serialize")
}

#[pymethods]
impl Finished {
    /// The JSON of `rankflow run --out` for this experiment.
    fn report_json(&self) -> String {
        claims::report(&self.exp).to_string()
    }

    /// The ids of the figures the page shows for this experiment, in the page's order.
    fn figure_ids(&self) -> Vec<&'static str> {
        claims::figure_ids(&self.exp)
    }

    /// The figure `id` as an SVG document of `width`×`height` pixels (`rankflow figures`' drawing).
    #[pyo3(signature = (id, width=1200, height=700))]
    fn figure_svg(&self, id: &str, width: u32, height: u32) -> PyResult<String> {
        if !(200..=4000).contains(&width) || !(200..=4000).contains(&height) {
            return Err(value_error(format!("width, height: expected pixels in 200..4000, got {width}×{height}")));
        }
        let opts = Options { log_steps: true, baseline: true, max_points: 0, cursor: None };
        let drawing = claims::drawing(&self.exp, id, opts).ok_or_else(|| {
            value_error(format!("figure: unknown id {id:?}; one of {}", claims::figure_ids(&self.exp).join(", ")))
        })?;
        export::to_svg(&drawing, width, height, Style::default()).map_err(value_error)
    }

    /// Every run's trajectory as CSV (`rankflow run --csv`, the page's export).
    fn csv(&self) -> String {
        rankflow::experiment::report::trajectories_csv(&self.exp)
    }
}

#[pymodule]
fn _rankflow(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run_preset, m)?)?;
    m.add_function(wrap_pyfunction!(run_config, m)?)?;
    m.add_function(wrap_pyfunction!(presets_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_config, m)?)?;
    m.add_class::<Finished>()?;
    m.add("CHECKOUT_DIST", concat!(env!("CARGO_MANIFEST_DIR"), "/../dist"))?;
    Ok(())
}
