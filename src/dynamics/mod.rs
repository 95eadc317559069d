//! The dynamics: what is optimised (problems, models) and how (optimisers), plus the convex baseline and the
//! loss landscape. Plain linear algebra, no notion of a run, a page or a chart.

pub mod aligned;
pub mod baseline;
pub mod landscape;
pub mod metrics;
pub mod model;
pub mod optim;
pub mod problem;
pub mod sampling;
