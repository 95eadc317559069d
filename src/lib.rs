//! rankflow: the implicit bias of gradient descent in matrix factorization, as a library.
//!
//! The core (everything but `web`) is plain Rust with no web types; the same code drives the browser page
//! (through `web`), the native CLI and the tests.

pub mod chart;
pub mod baseline;
pub mod config;
pub mod experiment;
pub mod glrl;
pub use rankflow_kernel as kernel;
pub mod landscape;
pub mod metrics;
pub mod model;
pub mod noisy_gd;
pub mod optim;
pub mod presets;
pub mod problem;
pub mod report;
pub mod run;
pub mod sampling;
pub mod stages;
pub mod sweep;
pub mod trace;
pub mod url_state;

#[cfg(target_arch = "wasm32")]
mod canvas;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use config::{Config, ConfigError};
pub use run::{Run, Status};
