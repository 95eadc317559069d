//! Figures between threads: the page's simulation worker builds figures and the main thread draws them, so
//! they cross as a small JSON document of everything but the numbers, plus one flat `f64` buffer of the numbers
//! (series points as x, y pairs with NaN, NaN for a break; heatmap panels column-major) that the browser
//! transfers without copying. `decode(encode(d)) == d` for finite data.
//!
//! The JSON is written by serde and read back by hand from a `serde_json::Value` (`figure`, below): serde's
//! derived readers for the dozen figure types cost more wasm (≈ 60 KB) than the whole reader here.

use super::{Area, Axis, Band, Cursor, Drawing, Figure, Glyph, Ink, LegendEntry, Mark, Marker, Matrices, Panel};
use super::{Reference, Series, Stroke};
use nalgebra::DMatrix;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // one per figure, built and read once per frame
enum WireDrawing {
    /// A chart with its series' points removed; `lens[i]` points of series i follow in the buffer.
    Chart {
        figure: Figure,
        lens: Vec<usize>,
    },
    Matrices {
        id: String,
        title: String,
        caption: String,
        panels: Vec<WirePanel>,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum WirePanel {
    Values {
        title: String,
        rows: usize,
        cols: usize,
        scale: f64,
    },
    /// Entries 1.0 (observed) or 0.0.
    Mask {
        title: String,
        rows: usize,
        cols: usize,
    },
}

/// Largest number of values a decoded panel may hold (a 1000×1000 matrix).
const MAX_PANEL: usize = 1_000_000;

/// The drawings as (JSON, numbers).
pub fn encode(drawings: Vec<Drawing>) -> (String, Vec<f64>) {
    let mut data = vec![];
    let wire: Vec<WireDrawing> = drawings
        .into_iter()
        .map(|d| match d {
            Drawing::Chart(mut figure) => {
                let mut lens = vec![];
                for s in &mut figure.series {
                    lens.push(s.points.len());
                    for p in std::mem::take(&mut s.points) {
                        let (x, y) = p.unwrap_or((f64::NAN, f64::NAN));
                        data.extend([x, y]);
                    }
                }
                WireDrawing::Chart { figure, lens }
            }
            Drawing::Matrices(m) => WireDrawing::Matrices {
                id: m.id,
                title: m.title,
                caption: m.caption,
                panels: m
                    .panels
                    .into_iter()
                    .map(|p| match p {
                        Panel::Values { title, matrix, scale } => {
                            data.extend(matrix.iter());
                            WirePanel::Values { title, rows: matrix.nrows(), cols: matrix.ncols(), scale }
                        }
                        Panel::Mask { title, mask } => {
                            data.extend(mask.iter().map(|&b| if b { 1.0 } else { 0.0 }));
                            WirePanel::Mask { title, rows: mask.nrows(), cols: mask.ncols() }
                        }
                    })
                    .collect(),
            },
        })
        .collect();
    (serde_json::to_string(&wire).unwrap_or_else(|_| "[]".into()), data)
}

/// Reads what [`encode`] wrote; a message (never a panic) when the JSON or the buffer's length do not fit.
pub fn decode(json: &str, data: &[f64]) -> Result<Vec<Drawing>, String> {
    let wire: Value = serde_json::from_str(json).map_err(|e| format!("figures: {e}"))?;
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[f64], String> {
        let end = at.checked_add(n).filter(|&e| e <= data.len()).ok_or("figures: the data buffer is too short")?;
        let slice = &data[at..end];
        at = end;
        Ok(slice)
    };
    let mut out = vec![];
    for w in wire.as_array().ok_or("figures: a list expected")? {
        let (kind, body) = tagged(w)?;
        out.push(match kind {
            "chart" => {
                let mut figure = figure(field(body, "figure")?)?;
                let lens = list(body, "lens")?;
                if lens.len() != figure.series.len() {
                    return Err("figures: one point count per series expected".into());
                }
                for (s, n) in figure.series.iter_mut().zip(lens) {
                    let xy = take(count(n)?.checked_mul(2).ok_or("figures: point count overflows")?)?;
                    s.points = xy
                        .chunks_exact(2)
                        .map(|p| if p[0].is_nan() && p[1].is_nan() { None } else { Some((p[0], p[1])) })
                        .collect();
                }
                Drawing::Chart(figure)
            }
            "matrices" => {
                let mut panels = vec![];
                for p in list(body, "panels")? {
                    let (kind, p) = tagged(p)?;
                    let (rows, cols) = (count(field(p, "rows")?)?, count(field(p, "cols")?)?);
                    let size = rows.checked_mul(cols).filter(|&n| n <= MAX_PANEL).ok_or("figures: panel too large")?;
                    let v = take(size)?;
                    let title = text(p, "title")?;
                    panels.push(match kind {
                        "values" => Panel::Values {
                            title,
                            matrix: DMatrix::from_column_slice(rows, cols, v),
                            scale: number(field(p, "scale")?)?,
                        },
                        "mask" => {
                            Panel::Mask { title, mask: DMatrix::from_iterator(rows, cols, v.iter().map(|&x| x != 0.0)) }
                        }
                        other => return Err(format!("figures: unknown panel `{other}`")),
                    });
                }
                Drawing::Matrices(Matrices {
                    id: text(body, "id")?,
                    title: text(body, "title")?,
                    caption: text(body, "caption")?,
                    panels,
                })
            }
            other => return Err(format!("figures: unknown drawing `{other}`")),
        });
    }
    if at != data.len() {
        return Err("figures: the data buffer is longer than the figures".into());
    }
    Ok(out)
}

/// A chart as serde writes it (`serde_json::to_string(&figure)`); series points are read where given.
pub fn figure(v: &Value) -> Result<Figure, String> {
    let f = object(v)?;
    let axis = |key: &str| -> Result<Axis, String> {
        let a = object(field(f, key)?)?;
        let range = match field(a, "range")? {
            Value::Null => None,
            r => match r.as_array().map(Vec::as_slice) {
                Some([lo, hi]) => Some((number(lo)?, number(hi)?)),
                _ => return Err("figures: an axis range is a pair".into()),
            },
        };
        Ok(Axis { label: text(a, "label")?, log: flag(a, "log")?, range, integer: flag(a, "integer")? })
    };
    let mut fig = Figure::new(&text(f, "id")?, text(f, "title")?, axis("x")?, axis("y")?);
    fig.caption = text(f, "caption")?;
    fig.series = items(f, "series", |s| {
        let points = match s.get("points") {
            None => vec![],
            Some(p) => p.as_array().ok_or("figures: points are a list")?.iter().map(point).collect::<Result<_, _>>()?,
        };
        let stroke = match field(s, "stroke")?.as_str() {
            Some("solid") => Stroke::Solid,
            Some("dashed") => Stroke::Dashed,
            Some("dotted") => Stroke::Dotted,
            Some("points") => Stroke::Points,
            _ => return Err("figures: unknown stroke".into()),
        };
        Ok(Series { label: text(s, "label")?, ink: ink(s)?, stroke, width: number(field(s, "width")?)?, points })
    })?;
    fig.references = items(f, "references", |r| {
        Ok(Reference { y: number(field(r, "y")?)?, ink: ink(r)?, label: optional_text(r, "label")? })
    })?;
    fig.markers = items(f, "markers", |m| Ok(Marker { x: number(field(m, "x")?)?, ink: ink(m)? }))?;
    fig.marks = items(f, "marks", |m| {
        Ok(Mark { x: number(field(m, "x")?)?, y: number(field(m, "y")?)?, ink: ink(m)?, label: text(m, "label")? })
    })?;
    fig.bands = items(f, "bands", |b| {
        let (x0, x1) = (number(field(b, "x0")?)?, number(field(b, "x1")?)?);
        Ok(Band { x0, x1, ink: ink(b)?, label: optional_text(b, "label")? })
    })?;
    if f.contains_key("areas") {
        fig.areas = items(f, "areas", |a| {
            let points = list(a, "points")?
                .iter()
                .map(|p| match p.as_array().map(Vec::as_slice) {
                    Some([x, lo, hi]) => Ok((number(x)?, number(lo)?, number(hi)?)),
                    _ => Err("figures: an area point is (x, lo, hi)".to_string()),
                })
                .collect::<Result<_, _>>()?;
            Ok(Area { ink: ink(a)?, points })
        })?;
    }
    fig.legend = items(f, "legend", |e| {
        let glyph = match field(e, "glyph")?.as_str() {
            Some("line") => Glyph::Line,
            Some("dashed") => Glyph::Dashed,
            Some("dotted") => Glyph::Dotted,
            Some("marker") => Glyph::Marker,
            Some("point") => Glyph::Point,
            Some("band") => Glyph::Band,
            _ => return Err("figures: unknown legend glyph".into()),
        };
        let hidden = e.contains_key("hidden") && flag(e, "hidden")?;
        Ok(LegendEntry { label: text(e, "label")?, ink: ink(e)?, glyph, hidden })
    })?;
    fig.cursor = match f.get("cursor") {
        None | Some(Value::Null) => None,
        Some(c) => {
            let c = object(c)?;
            Some(Cursor { x: number(field(c, "x")?)?, label: text(c, "label")? })
        }
    };
    Ok(fig)
}

fn object(v: &Value) -> Result<&Map<String, Value>, String> {
    v.as_object().ok_or_else(|| "figures: an object expected".into())
}

fn field<'a>(o: &'a Map<String, Value>, key: &str) -> Result<&'a Value, String> {
    o.get(key).ok_or_else(|| format!("figures: `{key}` missing"))
}

/// An externally tagged enum variant with fields, `{"name": body}` (every variant of the wire has fields).
fn tagged(v: &Value) -> Result<(&str, &Map<String, Value>), String> {
    match object(v)?.iter().next() {
        Some((kind, body)) => Ok((kind.as_str(), object(body)?)),
        None => Err("figures: an empty variant".into()),
    }
}

/// Each object of the list `key`, read by `read`.
fn items<T>(
    o: &Map<String, Value>,
    key: &str,
    read: impl Fn(&Map<String, Value>) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    list(o, key)?.iter().map(|e| read(object(e)?)).collect()
}

fn list<'a>(o: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    field(o, key)?.as_array().map(Vec::as_slice).ok_or_else(|| format!("figures: `{key}` is not a list"))
}

fn text(o: &Map<String, Value>, key: &str) -> Result<String, String> {
    field(o, key)?.as_str().map(str::to_string).ok_or_else(|| format!("figures: `{key}` is not text"))
}

fn optional_text(o: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => text(o, key).map(Some),
    }
}

fn flag(o: &Map<String, Value>, key: &str) -> Result<bool, String> {
    field(o, key)?.as_bool().ok_or_else(|| format!("figures: `{key}` is not true or false"))
}

/// A number; `null` (how serde writes NaN and ±∞) reads as NaN.
fn number(v: &Value) -> Result<f64, String> {
    match v {
        Value::Null => Ok(f64::NAN),
        _ => v.as_f64().ok_or_else(|| "figures: a number expected".into()),
    }
}

fn count(v: &Value) -> Result<usize, String> {
    v.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| "figures: a count expected".into())
}

fn point(v: &Value) -> Result<Option<(f64, f64)>, String> {
    match v {
        Value::Null => Ok(None),
        _ => match v.as_array().map(Vec::as_slice) {
            Some([x, y]) => Ok(Some((number(x)?, number(y)?))),
            _ => Err("figures: a point is (x, y)".into()),
        },
    }
}

/// The `ink` of an element.
fn ink(o: &Map<String, Value>) -> Result<Ink, String> {
    match field(o, "ink")? {
        Value::String(s) if s == "neutral" => Ok(Ink::Neutral),
        Value::String(s) if s == "muted" => Ok(Ink::Muted),
        Value::Object(o) => {
            o.get("series").map(count).transpose()?.map(Ink::Series).ok_or("figures: unknown ink".into())
        }
        _ => Err("figures: unknown ink".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::presets;
    use crate::figure::build;

    #[test]
    fn every_presets_figures_round_trip() {
        for p in presets::all() {
            let mut exp = p.experiment();
            exp.advance(300);
            let drawings = crate::claims::drawings(&exp, build::Options::default());
            let (json, data) = encode(drawings.clone());
            let back = decode(&json, &data).unwrap();
            // NaN-free data round-trips exactly (PartialEq on f64).
            assert_eq!(back, drawings, "{}", p.name);
        }
    }

    #[test]
    fn a_figure_as_serde_writes_it_reads_back_with_every_part() {
        use crate::figure::*;
        let mut f = Figure::new("f", "title".into(), Axis::new("step", true), Axis::new("σ", false));
        f.caption = "caption".into();
        f.x.range = Some((1.0, 1e4));
        f.y.integer = true;
        f.series.push(Series::line(
            "a",
            Ink::Series(2),
            Stroke::Dashed,
            vec![Some((1.0, 2.0)), None, Some((3.0, 4.5))],
        ));
        f.series.push(Series::dots("b", Ink::Muted, vec![]));
        f.references.push(Reference { y: 1.0, ink: Ink::Neutral, label: Some("target".into()) });
        f.references.push(Reference { y: 2.0, ink: Ink::Series(0), label: None });
        f.markers.push(Marker { x: 10.0, ink: Ink::Neutral });
        f.marks.push(Mark { x: 1.0, y: 2.0, ink: Ink::Series(1), label: "σ₁ · 10".into() });
        f.bands.push(Band { x0: 1.0, x1: 2.0, ink: Ink::Muted, label: Some("plateau".into()) });
        f.bands.push(Band { x0: 3.0, x1: 4.0, ink: Ink::Muted, label: None });
        f.areas.push(Area { ink: Ink::Series(0), points: vec![(1.0, 0.5, 1.5), (2.0, 0.25, 0.75)] });
        f.legend("a", Ink::Series(2), Glyph::Dashed);
        f.legend("b", Ink::Muted, Glyph::Point);
        for g in [Glyph::Line, Glyph::Marker, Glyph::Band] {
            f.legend(format!("{g:?}"), Ink::Neutral, g);
        }
        f.cursor = Some(Cursor { x: 5.0, label: "step 5".into() });
        let f = f.without(&["b".into()]);
        let v: Value = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(figure(&v).unwrap(), f);
        // serde writes NaN as null: it reads back as NaN, not as an error.
        let mut nan = f.clone();
        nan.references[0].y = f64::NAN;
        let v: Value = serde_json::from_str(&serde_json::to_string(&nan).unwrap()).unwrap();
        assert!(figure(&v).unwrap().references[0].y.is_nan());
    }

    #[test]
    fn bad_input_is_a_message() {
        let (json, data) =
            encode(crate::claims::drawings(&presets::find("incremental").unwrap().experiment(), Default::default()));
        assert!(decode(&json, &data[..data.len() - 1]).unwrap_err().contains("too short"));
        let mut longer = data.clone();
        longer.push(0.0);
        assert!(decode(&json, &longer).unwrap_err().contains("longer"));
        assert!(decode("{", &data).unwrap_err().starts_with("figures:"));
        let huge = r#"[{"matrices":{"id":"m","title":"","caption":"","panels":[{"mask":{"title":"","rows":4294967296,"cols":4294967296}}]}}]"#;
        assert!(decode(huge, &[]).unwrap_err().contains("too large"));
        for bad in [
            "{}",
            "[1]",
            "[{}]",
            r#"[{"chart":{"lens":[]}}]"#,
            r#"[{"chart":{"figure":{},"lens":[]}}]"#,
            r#"[{"pie":{}}]"#,
        ] {
            assert!(decode(bad, &[]).unwrap_err().starts_with("figures:"), "{bad}");
        }
    }
}
