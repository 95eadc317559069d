//! The page's plotters backend: plotters-canvas with text sizes remembered.
//!
//! plotters measures every label it lays out (tick labels, captions, legend entries) through a styled DOM
//! span, which forces a layout of the page each time — about a tenth of a redraw. The sizes depend only on
//! the text and its font, so they are measured once and kept (at most [`CAPACITY`] entries, then forgotten
//! all at once). Everything else is plotters-canvas itself.

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

/// [`CanvasBackend`] with cached text measurement.
pub struct Canvas(CanvasBackend);

impl Canvas {
    pub fn new(canvas: HtmlCanvasElement) -> Option<Canvas> {
        CanvasBackend::with_canvas_object(canvas).map(Canvas)
    }
}

type Result<E> = std::result::Result<(), DrawingErrorKind<E>>;

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<Self::ErrorType> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<Self::ErrorType> {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<Self::ErrorType> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<Self::ErrorType> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<Self::ErrorType> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<Self::ErrorType> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<Self::ErrorType> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<Self::ErrorType> {
        self.0.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Result<Self::ErrorType> {
        self.0.draw_text(text, style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> std::result::Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let key = (
            text.to_owned(),
            style.family().as_str().to_owned(),
            style.size().to_bits(),
            style.style().as_str().to_owned(),
        );
        if let Some(&size) = TEXT_SIZES.with_borrow(|m| m.get(&key).copied()).as_ref() {
            return Ok(size);
        }
        let size = self.0.estimate_text_size(text, style)?;
        TEXT_SIZES.with_borrow_mut(|m| {
            if m.len() >= CAPACITY {
                m.clear();
            }
            m.insert(key, size);
        });
        Ok(size)
    }
}
