//! A stage of a run: a stretch of steps where the loss rests near one level. The claims decide what counts as
//! one (`claims::saddles`: the loss visiting a predicted level; `claims::staircase`: between one value's rise and
//! the next's, from the exact crossings).

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plateau {
    pub start_step: u64,
    pub end_step: u64,
    /// The loss on the plateau.
    pub loss: f64,
}
