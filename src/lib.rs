//! rankflow: the implicit bias of gradient descent in matrix factorization, as a library.
//!
//! Layers, each knowing only the ones above it in this list:
//! - [`config`]: the one validated run configuration (and the list of its field paths);
//! - [`dynamics`]: problems, factorised models, optimisers (GD, noisy GD, GLRL), the convex baseline, the
//!   loss landscape;
//! - [`experiment`]: runs watched by a bounded trace and exact learning events, stages, several runs side by
//!   side with an observer attached from outside, presets (as data), reports, sweeps;
//! - [`figure`]: what is drawn, as data (figures with series, references, marks, bands, captions), and its
//!   rendering with plotters on any backend;
//! - [`claims`]: the papers' claims, one module each (observer, read-out, table column, verdict, figures),
//!   registered in one list; an experiment carries only its claim's id;
//! - [`shell`]: the URL state and (wasm only) the browser bindings. The native CLI lives in `src/bin`.
#![forbid(unsafe_code)]

pub mod claims;
pub mod config;
pub mod dynamics;
pub mod experiment;
pub mod fields;
pub mod figure;
mod json_path;
pub mod lessons;
pub mod order;
pub mod shell;
pub use rankflow_kernel as kernel;

pub use config::{Config, ConfigError};
pub use experiment::run::{Run, Status};
pub mod notation;
