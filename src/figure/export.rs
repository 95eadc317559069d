//! Figures to files: SVG (plotters' SVG backend) and, natively, PNG (plotters' bitmap backend with an
//! embedded DejaVu Sans, so no system font is needed).

use super::render::{render, Style};
use super::{heatmap, Drawing};
use plotters::prelude::*;

/// Draws any figure on `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    d: &Drawing,
    style: Style,
) -> Result<(), String> {
    match d {
        Drawing::Chart(f) => render(area, f, style).map(|_| ()),
        Drawing::Matrices(m) => heatmap::render_matrices(area, m, style),
    }
}

/// An SVG document of `width`×`height` pixels.
pub fn to_svg(d: &Drawing, width: u32, height: u32, style: Style) -> Result<String, String> {
    fonts();
    let mut buf = String::new();
    {
        let area = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        draw(&area, d, style)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

/// A PNG file of `width`×`height` pixels at `path` (8-bit RGB).
#[cfg(not(target_arch = "wasm32"))]
pub fn to_png(d: &Drawing, path: &std::path::Path, width: u32, height: u32, style: Style) -> Result<(), String> {
    fonts();
    let mut rgb = vec![0u8; 3 * width as usize * height as usize];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw(&area, d, style)?;
        area.present().map_err(|e| e.to_string())?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| e.to_string())?);
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}

/// Registers the embedded font once: natively plotters lays text out with it (ab_glyph) for SVG and PNG.
#[cfg(not(target_arch = "wasm32"))]
pub fn fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        static DEJAVU: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU).ok();
    });
}

#[cfg(target_arch = "wasm32")]
pub fn fonts() {}
