//! The PDF handout: one A4 page per preset — its title, explanation, finished σ chart and claim figure (the core's
//! figures, drawn as the page and the posters draw them) and the claim's verdict — each page one 150 dpi image
//! (text drawn with the embedded DejaVu Sans, so σ, ‖W‖* and subscripts print as on the page).

use crate::figure::render::Style;
use crate::figure::{export, geometry, Drawing};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};
use plotters::prelude::*;

/// A4 at 150 dots per inch, in pixels; and in PDF points.
pub const PAGE_PX: (u32, u32) = (1240, 1754);
const PAGE_PT: (f32, f32) = (595.0, 842.0);

/// What one page shows.
pub struct Sheet<'a> {
    pub title: &'a str,
    pub explanation: &'a str,
    /// The figures, top to bottom (at most two fit).
    pub figures: Vec<Drawing>,
    /// The claim's lines, the verdict last.
    pub lines: &'a [String],
}

/// One page as RGB samples, PAGE_PX wide and tall.
pub fn render(sheet: &Sheet<'_>) -> Result<Vec<u8>, String> {
    export::fonts();
    let (w, h) = PAGE_PX;
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        let margin = 70;
        let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK);
        let mut y = margin;
        let write = |area: &DrawingArea<_, _>, s: &str, size: f64, y: &mut i32| -> Result<(), String> {
            let font = text(size);
            let measure = |t: &str| area.estimate_text_size(t, &font).map_or(0, |(tw, _)| tw);
            for line in geometry::wrap_words(s, w - 2 * margin as u32, measure) {
                area.draw(&Text::new(line, (margin, *y), font.clone())).map_err(err)?;
                *y += (size * 1.35) as i32;
            }
            Ok(())
        };
        write(&root, sheet.title, 40.0, &mut y)?;
        y += 6;
        write(&root, sheet.explanation, 22.0, &mut y)?;
        y += 16;
        let lines_h = 32 * (sheet.lines.len().min(4) as i32 + 1);
        let room = h as i32 - y - margin - lines_h;
        let each = (room / sheet.figures.len().max(1) as i32).min(640);
        for figure in &sheet.figures {
            let area = root.margin(y as u32, 0, margin as u32, margin as u32);
            let (area, _) = area.split_vertically(each as u32);
            export::draw(&area, figure, Style::default())?;
            y += each + 10;
        }
        y += 10;
        for line in sheet.lines.iter().rev().take(4).rev() {
            write(&root, line, 20.0, &mut y)?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(rgb)
}

/// A PDF of `pages` (RGB samples of PAGE_PX each), one A4 page each, the samples deflated.
pub fn pdf(pages: &[Vec<u8>]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree) = (Ref::new(1), Ref::new(2));
    let ids = |i: usize| (Ref::new(3 + 3 * i as i32), Ref::new(4 + 3 * i as i32), Ref::new(5 + 3 * i as i32));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids((0..pages.len()).map(|i| ids(i).0)).count(pages.len() as i32);
    let name = Name(b"Im");
    for (i, rgb) in pages.iter().enumerate() {
        let (page_id, image_id, content_id) = ids(i);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_PT.0, PAGE_PT.1));
        page.parent(tree);
        page.contents(content_id);
        page.resources().x_objects().pair(name, image_id);
        page.finish();
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(rgb, 6);
        let mut image = pdf.image_xobject(image_id, &packed);
        image.filter(Filter::FlateDecode);
        image.width(PAGE_PX.0 as i32);
        image.height(PAGE_PX.1 as i32);
        image.color_space().device_rgb();
        image.bits_per_component(8);
        image.finish();
        let mut content = Content::new();
        content.save_state();
        content.transform([PAGE_PT.0, 0.0, 0.0, PAGE_PT.1, 0.0, 0.0]);
        content.x_object(name);
        content.restore_state();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handout_page_is_drawn_and_wrapped_in_a_valid_pdf() {
        let lines = vec!["✓ claim holds: one value at a time".to_string()];
        let words = "Some words. ".repeat(40);
        let sheet = Sheet { title: "A title", explanation: words.trim(), figures: vec![], lines: &lines };
        let page = render(&sheet).unwrap();
        assert_eq!(page.len(), (PAGE_PX.0 * PAGE_PX.1 * 3) as usize);
        assert!(page.iter().any(|&v| v < 100), "text is drawn");
        let doc = pdf(&[page.clone(), page]);
        let text = String::from_utf8_lossy(&doc);
        assert!(doc.starts_with(b"%PDF-"));
        assert_eq!(text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count(), 2, "two pages");
        assert!(text.contains("/FlateDecode") && text.trim_end().ends_with("%%EOF"));
    }
}
