//! The page's plotters backend: a canvas (plotters-canvas, text sizes remembered) or an SVG document, behind one
//! type so that every chart's drawing code is compiled once for the page (one backend type: half the code of two).
//!
//! plotters measures every label it lays out (tick labels, captions, legend entries) through a styled DOM
//! span, which forces a layout of the page each time — about a tenth of a redraw. The sizes depend only on
//! the text and its font, so on a canvas they are measured once and kept (at most [`CAPACITY`] entries, then
//! forgotten all at once). Everything else is plotters-canvas and plotters' SVG backend themselves.

use plotters::prelude::SVGBackend;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::collections::HashMap;
use web_sys::HtmlCanvasElement;

/// Most remembered sizes; tick labels of a few charts over a long run stay far below it.
const CAPACITY: usize = 4096;

type Key = (String, String, u64, String);

thread_local! {
    static TEXT_SIZES: RefCell<HashMap<Key, (u32, u32)>> = RefCell::new(HashMap::new());
}

/// Empties the text-size cache and frees its table (it refills as labels are drawn).
pub fn forget_text_sizes() {
    TEXT_SIZES.with_borrow_mut(|m| *m = HashMap::new());
}

/// Where the page draws: a canvas, or an SVG document written into a string (exports).
pub enum Canvas<'a> {
    Page(CanvasBackend),
    Svg(SVGBackend<'a>),
}

impl Canvas<'_> {
    pub fn new(canvas: HtmlCanvasElement) -> Option<Canvas<'static>> {
        CanvasBackend::with_canvas_object(canvas).map(Canvas::Page)
    }
}

impl<'a> Canvas<'a> {
    /// An SVG document of `size` pixels, written into `buf` when the drawing is presented.
    pub fn svg(buf: &'a mut String, size: (u32, u32)) -> Canvas<'a> {
        Canvas::Svg(SVGBackend::with_string(buf, size))
    }
}

/// Either backend's error, as its message.
#[derive(Debug)]
pub struct DrawError(String);

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DrawError {}

fn lift<T, E: std::error::Error + Send + Sync>(
    r: std::result::Result<T, DrawingErrorKind<E>>,
) -> std::result::Result<T, DrawingErrorKind<DrawError>> {
    r.map_err(|e| match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(DrawError(e.to_string())),
        DrawingErrorKind::FontError(f) => DrawingErrorKind::FontError(f),
    })
}

/// The same call on whichever backend this is.
macro_rules! each {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Canvas::Page($b) => lift($call),
            Canvas::Svg($b) => lift($call),
        }
    };
}

type Result = std::result::Result<(), DrawingErrorKind<DrawError>>;

impl DrawingBackend for Canvas<'_> {
    type ErrorType = DrawError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Canvas::Page(b) => b.get_size(),
            Canvas::Svg(b) => b.get_size(),
        }
    }
    fn ensure_prepared(&mut self) -> Result {
        each!(self, b => b.ensure_prepared())
    }
    fn present(&mut self) -> Result {
        each!(self, b => b.present())
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result {
        each!(self, b => b.draw_pixel(point, color))
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result {
        each!(self, b => b.draw_line(from, to, style))
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result {
        each!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result {
        each!(self, b => b.draw_path(path, style))
    }
    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result {
        each!(self, b => b.draw_circle(center, radius, style, fill))
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result {
        each!(self, b => b.fill_polygon(vert, style))
    }
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Result {
        each!(self, b => b.draw_text(text, style, pos))
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result {
        each!(self, b => b.blit_bitmap(pos, size, src))
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> std::result::Result<(u32, u32), DrawingErrorKind<DrawError>> {
        let canvas = match self {
            Canvas::Page(c) => c,
            Canvas::Svg(b) => return lift(b.estimate_text_size(text, style)),
        };
        let key = (
            text.to_owned(),
            style.family().as_str().to_owned(),
            style.size().to_bits(),
            style.style().as_str().to_owned(),
        );
        if let Some(&size) = TEXT_SIZES.with_borrow(|m| m.get(&key).copied()).as_ref() {
            return Ok(size);
        }
        let size = lift(canvas.estimate_text_size(text, style))?;
        TEXT_SIZES.with_borrow_mut(|m| {
            if m.len() >= CAPACITY {
                m.clear();
            }
            m.insert(key, size);
        });
        Ok(size)
    }
}
