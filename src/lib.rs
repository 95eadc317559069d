//! rankflow: the implicit bias of gradient descent in matrix factorization, as a library.
//!
//! Layers, each knowing only the ones above it in this list:
//! - [`config`]: the one validated run configuration (and the list of its field paths);
//! - [`dynamics`]: problems, factorised models, optimisers (GD, noisy GD, GLRL), the convex baseline, the
//!   loss landscape;
//! - [`experiment`]: runs watched by a bounded trace, stages, several runs side by side with their claim,
//!   presets, reports, sweeps;
//! - [`figure`]: what is drawn, as data (figures with series, references, marks, bands, captions), and its
//!   rendering with plotters on any backend;
//! - [`shell`]: the URL state and (wasm only) the browser bindings. The native CLI lives in `src/bin`.
#![forbid(unsafe_code)]

pub mod config;
pub mod dynamics;
pub mod experiment;
pub mod figure;
mod json_path;
pub mod order;
pub mod shell;
pub use rankflow_kernel as kernel;

pub use config::{Config, ConfigError};
pub use experiment::run::{Run, Status};
pub mod notation;
