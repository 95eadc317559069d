//! Figures between threads: the page's simulation worker builds figures and the main thread draws them, so
//! they cross as a small JSON document of everything but the numbers, plus one flat `f64` buffer of the numbers
//! (series points as x, y pairs with NaN, NaN for a break; heatmap panels column-major) that the browser
//! transfers without copying. `decode(encode(d)) == d` for finite data.

use super::{Drawing, Figure, Matrices, Panel};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
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

#[derive(Serialize, Deserialize)]
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
    let wire: Vec<WireDrawing> = serde_json::from_str(json).map_err(|e| format!("figures: {e}"))?;
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[f64], String> {
        let end = at.checked_add(n).filter(|&e| e <= data.len()).ok_or("figures: the data buffer is too short")?;
        let slice = &data[at..end];
        at = end;
        Ok(slice)
    };
    let mut out = vec![];
    for w in wire {
        out.push(match w {
            WireDrawing::Chart { mut figure, lens } => {
                if lens.len() != figure.series.len() {
                    return Err("figures: one point count per series expected".into());
                }
                for (s, n) in figure.series.iter_mut().zip(lens) {
                    let xy = take(n.checked_mul(2).ok_or("figures: point count overflows")?)?;
                    s.points = xy
                        .chunks_exact(2)
                        .map(|p| if p[0].is_nan() && p[1].is_nan() { None } else { Some((p[0], p[1])) })
                        .collect();
                }
                Drawing::Chart(figure)
            }
            WireDrawing::Matrices { id, title, caption, panels } => {
                let mut out_panels = vec![];
                for p in panels {
                    let size = |rows: usize, cols: usize| {
                        rows.checked_mul(cols).filter(|&n| n <= MAX_PANEL).ok_or("figures: panel too large")
                    };
                    out_panels.push(match p {
                        WirePanel::Values { title, rows, cols, scale } => {
                            let v = take(size(rows, cols)?)?;
                            Panel::Values { title, matrix: DMatrix::from_column_slice(rows, cols, v), scale }
                        }
                        WirePanel::Mask { title, rows, cols } => {
                            let v = take(size(rows, cols)?)?;
                            let mask = DMatrix::from_iterator(rows, cols, v.iter().map(|&x| x != 0.0));
                            Panel::Mask { title, mask }
                        }
                    });
                }
                Drawing::Matrices(Matrices { id, title, caption, panels: out_panels })
            }
        });
    }
    if at != data.len() {
        return Err("figures: the data buffer is longer than the figures".into());
    }
    Ok(out)
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
            let drawings = build::all(&exp, build::Options::default());
            let (json, data) = encode(drawings.clone());
            let back = decode(&json, &data).unwrap();
            // NaN-free data round-trips exactly (PartialEq on f64).
            assert_eq!(back, drawings, "{}", p.name);
        }
    }

    #[test]
    fn bad_input_is_a_message() {
        let (json, data) = encode(build::all(&presets::find("incremental").unwrap().experiment(), Default::default()));
        assert!(decode(&json, &data[..data.len() - 1]).unwrap_err().contains("too short"));
        let mut longer = data.clone();
        longer.push(0.0);
        assert!(decode(&json, &longer).unwrap_err().contains("longer"));
        assert!(decode("{", &data).unwrap_err().starts_with("figures:"));
        let huge = r#"[{"matrices":{"id":"m","title":"","caption":"","panels":[{"mask":{"title":"","rows":4294967296,"cols":4294967296}}]}}]"#;
        assert!(decode(huge, &[]).unwrap_err().contains("too large"));
    }
}
