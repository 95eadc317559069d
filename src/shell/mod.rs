//! The shells' shared part (the page's URL state) and, on wasm, the browser bindings. Shells only translate
//! and render: every number and every figure comes from the layers below.

pub mod form;
#[cfg(not(target_arch = "wasm32"))]
pub mod handout;
pub mod pace;
pub mod url_state;

#[cfg(target_arch = "wasm32")]
mod canvas;
#[cfg(target_arch = "wasm32")]
pub mod web;
