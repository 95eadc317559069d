//! Pure geometry of line drawing: mapping points through (log) axes, breaking lines at unshowable points,
//! thinning a polyline to what the pixels can show, and cutting dashes. No plotters types here.

/// Axis transform: identity, or log₁₀ with everything ≤ `floor` dropped.
#[derive(Clone, Copy)]
pub struct AxisMap {
    pub log: bool,
    pub floor: f64,
}

impl AxisMap {
    pub fn map(self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        if self.log {
            (v > 0.0 && v >= self.floor).then(|| v.log10())
        } else {
            Some(v)
        }
    }
}

/// Range [lo, hi] of the mapped values, or None when nothing can be shown.
pub fn extent(values: impl Iterator<Item = f64>, log: bool) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo <= hi).then_some((lo, hi))
}

/// Maps points through the axes and splits them into drawable runs.
pub fn segments(points: &[Option<(f64, f64)>], x: AxisMap, y: AxisMap) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![];
    let mut cur = vec![];
    for p in points {
        match p.and_then(|(a, b)| Some((x.map(a)?, y.map(b)?))) {
            Some(q) => cur.push(q),
            None if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Thins a polyline (mapped coordinates, x non-decreasing) for a raster of `(dx, dy)` data units per pixel:
/// within each pixel column it keeps the first, lowest, highest and last points, in their order, and it drops
/// a point that lands in the same pixel as the one kept before it. What is drawn differs from the full line by
/// less than a pixel, while the number of points is at most about four per column.
pub fn thin_to_pixels(line: Vec<(f64, f64)>, (dx, dy): (f64, f64)) -> Vec<(f64, f64)> {
    let columns = match (line.first(), line.last()) {
        (Some(a), Some(b)) if dx > 0.0 && dy > 0.0 => ((b.0 - a.0) / dx).abs() + 1.0,
        _ => return line,
    };
    if (line.len() as f64) <= 4.0 * columns {
        return line;
    }
    let column = |p: (f64, f64)| (p.0 / dx).floor();
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(line.len().min(4096));
    let push = |out: &mut Vec<(f64, f64)>, p: (f64, f64)| {
        if out.last().is_none_or(|q| (q.0 / dx).floor() != column(p) || (q.1 / dy).floor() != (p.1 / dy).floor()) {
            out.push(p);
        }
    };
    let mut start = 0;
    while start < line.len() {
        let c = column(line[start]);
        let end = line[start..].iter().position(|&p| column(p) != c).map_or(line.len(), |k| start + k);
        let run = &line[start..end];
        let (mut lo, mut hi) = (0, 0);
        for (k, p) in run.iter().enumerate() {
            if p.1 < run[lo].1 {
                lo = k;
            }
            if p.1 > run[hi].1 {
                hi = k;
            }
        }
        let mut keep = [0, lo.min(hi), lo.max(hi), run.len() - 1];
        keep.sort_unstable();
        let mut prev = usize::MAX;
        for k in keep {
            if k != prev {
                push(&mut out, run[k]);
                prev = k;
            }
        }
        start = end;
    }
    // The last point always ends the line, even when it shares a pixel with the one before.
    if out.last() != line.last() {
        out.push(*line.last().expect("non-empty"));
    }
    out
}

/// Drops the points of a polyline (mapped coordinates, x strictly increasing between kept points) that lie
/// within half a pixel, vertically, of the chord between their kept neighbours, in one pass: from each kept
/// anchor, the cone of slopes that passes within ½ px of every point so far narrows until the next point
/// falls outside it, and the point before becomes the next anchor. Plateaus and smooth stretches collapse to
/// a few points; the drawn line moves by at most ½ px.
pub fn straighten(line: Vec<(f64, f64)>, (dx, dy): (f64, f64)) -> Vec<(f64, f64)> {
    if line.len() <= 2 || !(dx > 0.0 && dy > 0.0) {
        return line;
    }
    let tol = 0.5 * dy;
    let mut out = vec![line[0]];
    let (mut anchor, mut last) = (line[0], line[0]);
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for &p in &line[1..] {
        let run = p.0 - anchor.0;
        let slope = (p.1 - anchor.1) / run;
        if run > 0.0 && slope >= lo && slope <= hi {
            lo = lo.max((p.1 - tol - anchor.1) / run);
            hi = hi.min((p.1 + tol - anchor.1) / run);
        } else {
            if last != anchor {
                out.push(last);
                anchor = last;
            }
            let run = p.0 - anchor.0;
            if run > 0.0 {
                (lo, hi) = ((p.1 - tol - anchor.1) / run, (p.1 + tol - anchor.1) / run);
            } else {
                // A vertical step (same x): keep it and start afresh from it.
                out.push(p);
                anchor = p;
                (lo, hi) = (f64::NEG_INFINITY, f64::INFINITY);
            }
        }
        last = p;
    }
    if last != anchor {
        out.push(last);
    }
    out
}

/// Cuts a polyline into dashes of horizontal length `dash` (gaps of the same length), in mapped coordinates.
pub fn dashes(line: &[(f64, f64)], dash: f64) -> impl Iterator<Item = Vec<(f64, f64)>> + '_ {
    line.windows(2).flat_map(move |w| {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let pieces = (((bx - ax).abs() / dash).ceil() as usize).clamp(1, 10_000);
        (0..pieces).step_by(2).map(move |k| {
            let t0 = k as f64 / pieces as f64;
            let t1 = ((k + 1) as f64 / pieces as f64).min(1.0);
            vec![(ax + t0 * (bx - ax), ay + t0 * (by - ay)), (ax + t1 * (bx - ax), ay + t1 * (by - ay))]
        })
    })
}

/// `text` broken at spaces into lines of at most `max_width` as `width` measures them (greedy, words kept whole: a
/// word wider than the line gets a line of its own).
pub fn wrap_words(text: &str, max_width: u32, width: impl Fn(&str) -> u32) -> Vec<String> {
    let mut lines: Vec<String> = vec![];
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match lines.last_mut() {
            Some(line) if width(&format!("{line} {word}")) <= max_width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// A rectangle in backend pixels: left, top, right, bottom.
pub type Rect = (i32, i32, i32, i32);

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// The first of `candidates` inside `0..width` × `0..height` that overlaps none of `taken`.
pub fn first_free(
    candidates: impl IntoIterator<Item = Rect>,
    (width, height): (i32, i32),
    taken: &[Rect],
) -> Option<Rect> {
    candidates
        .into_iter()
        .find(|s| s.0 >= 0 && s.2 <= width && s.1 >= 0 && s.3 <= height && !taken.iter().any(|p| overlaps(s, p)))
}

/// Where the label (`w`×`h` px) of a dot at `(cx, cy)` goes: the first free spot (see [`first_free`]) among,
/// nearest first: left of the dot (where a rising curve has come from, usually empty), below-left, right,
/// below-right, above-left, then rows further below and above, left before right. None when every candidate is
/// taken: the label is left out rather than drawn over another (the dot stays; the caption and hover give its value).
pub fn label_spot(
    (cx, cy): (i32, i32),
    (w, h): (i32, i32),
    gap: i32,
    bounds: (i32, i32),
    taken: &[Rect],
) -> Option<Rect> {
    let (left, right) = (cx - gap - w, cx + gap);
    let row = |k: i32| cy - h / 2 + k * (h + 2);
    let near = [(left, row(0)), (left, row(1)), (right, row(0)), (right, row(1)), (left, row(-1))];
    let far = (2..=6).flat_map(|k| [(left, row(k)), (left, row(-k)), (right, row(k)), (right, row(-k))]);
    first_free(near.into_iter().chain(far).map(|(l, t)| (l, t, l + w, t + h)), bounds, taken)
}

/// Where the label (`w`×`h` px) of a horizontal reference line at height `y` goes, its right end at `right`: just
/// above the line, else just below it, each then moved left one label width at a time (up to three). None when all
/// are taken (the legend still names the line).
pub fn reference_spot(
    right: i32,
    y: i32,
    (w, h): (i32, i32),
    pad: i32,
    bounds: (i32, i32),
    taken: &[Rect],
) -> Option<Rect> {
    let candidates = (0..4).flat_map(|k| {
        let r = right - k * (w + 2 * pad);
        [(r - w, y - pad - h), (r - w, y + pad)]
    });
    first_free(candidates.map(|(l, t)| (l, t, l + w, t + h)), bounds, taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_every_pixel_column_extreme_and_both_ends() {
        // 10,000 points of a noisy oscillation over 100 pixel columns of width 1.
        let line: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64 / 100.0, ((i * 7919) % 1000) as f64 / 10.0 + (i as f64 / 500.0).sin()))
            .collect();
        let thin = thin_to_pixels(line.clone(), (1.0, 0.01));
        assert!(thin.len() <= 4 * 100 + 1, "{} points", thin.len());
        assert_eq!(thin.first(), line.first());
        assert_eq!(thin.last(), line.last());
        for c in 0..100 {
            let col = |p: &&(f64, f64)| p.0.floor() as usize == c;
            let (lo, hi) = line.iter().filter(col).fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
            let (tlo, thi) = thin.iter().filter(col).fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
            assert_eq!((lo, hi), (tlo, thi), "column {c}");
        }
        assert!(thin.windows(2).all(|w| w[0].0 <= w[1].0), "order kept");
        // A line with fewer points than pixels is left alone.
        let sparse: Vec<(f64, f64)> = (0..50).map(|i| (i as f64 * 3.0, i as f64)).collect();
        assert_eq!(thin_to_pixels(sparse.clone(), (1.0, 0.01)), sparse);
    }

    #[test]
    fn straightening_moves_the_line_by_at_most_half_a_pixel() {
        // A plateau, a smooth fall and noise: 2,000 points over 800 columns of width 1, rows of height 0.01.
        let y = |i: usize| match i {
            0..=599 => 5.0,
            600..=1399 => {
                5.0 - 3.0 * ((i - 600) as f64 / 800.0 * std::f64::consts::PI).sin().powi(2) - (i as f64 - 600.0) / 400.0
            }
            _ => 1.0 + ((i * 7919) % 100) as f64 / 1000.0,
        };
        let line: Vec<(f64, f64)> = (0..2000).map(|i| (i as f64 * 0.4, y(i))).collect();
        let thin = straighten(line.clone(), (1.0, 0.01));
        assert!(thin.len() < line.len() / 3, "{} of {} points kept", thin.len(), line.len());
        assert_eq!((thin.first(), thin.last()), (line.first(), line.last()));
        for p in &line {
            let k = thin.partition_point(|q| q.0 < p.0).clamp(1, thin.len() - 1);
            let (a, b) = (thin[k - 1], thin[k]);
            let on_chord = a.1 + (b.1 - a.1) * (p.0 - a.0) / (b.0 - a.0);
            assert!((on_chord - p.1).abs() <= 0.005 + 1e-12, "point {p:?} is {} px off", (on_chord - p.1).abs() / 0.01);
        }
    }

    #[test]
    fn log_axis_breaks_lines_instead_of_clamping() {
        let y = AxisMap { log: true, floor: 1e-6 };
        let x = AxisMap { log: false, floor: 0.0 };
        let pts = [
            Some((0.0, 1.0)),
            Some((1.0, 0.0)),
            Some((2.0, 1e-9)),
            Some((3.0, 10.0)),
            None,
            Some((5.0, f64::NAN)),
            Some((6.0, 1.0)),
        ];
        let segs = segments(&pts, x, y);
        assert_eq!(segs, vec![vec![(0.0, 0.0)], vec![(3.0, 1.0)], vec![(6.0, 0.0)]]);
    }

    #[test]
    fn labels_of_a_crowded_corner_never_overlap_and_stay_inside() {
        // Four dots a few pixels apart near the top-right corner of a 240×200 plot (a small embed's staircase).
        let dots = [(200, 12), (214, 16), (226, 20), (236, 26)];
        let (w, h, gap) = (60, 14, 8);
        let mut taken: Vec<Rect> = dots.iter().map(|&(x, y)| (x - 5, y - 5, x + 6, y + 6)).collect();
        let mut placed = vec![];
        for &d in &dots {
            let spot = label_spot(d, (w, h), gap, (240, 200), &taken).expect("room below the corner");
            assert!(spot.0 >= 0 && spot.2 <= 240 && spot.1 >= 0 && spot.3 <= 200, "{spot:?} inside");
            assert!(!taken.iter().any(|t| overlaps(&spot, t)), "{spot:?} overlaps");
            taken.push(spot);
            placed.push(spot);
        }
        // The first dot keeps the nearest spot: left of it, centred on it.
        assert_eq!(placed[0], (200 - gap - w, 12 - h / 2, 200 - gap, 12 - h / 2 + h));
    }

    #[test]
    fn a_label_with_no_free_spot_is_left_out() {
        let everything = [(-1000, -1000, 1000, 1000)];
        assert_eq!(label_spot((50, 50), (20, 10), 4, (100, 100), &everything), None);
        // Too wide for the plot on either side.
        assert_eq!(label_spot((50, 50), (80, 10), 4, (100, 100), &[]), None);
        assert_eq!(label_spot((50, 50), (20, 10), 4, (100, 100), &[]), Some((26, 45, 46, 55)));
    }

    #[test]
    fn words_wrap_greedily_within_the_width() {
        let chars = |s: &str| s.chars().count() as u32;
        let title = "Escape time: the step σ₁ is learned, against α";
        assert_eq!(wrap_words(title, 100, chars), vec![title.to_string()]);
        let lines = wrap_words(title, 24, chars);
        assert_eq!(lines, vec!["Escape time: the step σ₁", "is learned, against α"]);
        assert!(lines.iter().all(|l| chars(l) <= 24));
        assert_eq!(lines.join(" "), title);
        // A word longer than the line stands alone; nothing is lost.
        assert_eq!(wrap_words("a extraordinarily b", 5, chars), vec!["a", "extraordinarily", "b"]);
        assert!(wrap_words("", 10, chars).is_empty());
    }

    #[test]
    fn reference_labels_stack_above_below_then_leftwards() {
        let (w, h, pad) = (50, 10, 2);
        let bounds = (300, 200);
        let mut taken = vec![];
        // Five reference lines 4 px apart: above, below, then further left.
        let spots: Vec<Option<Rect>> = (0..5)
            .map(|i| {
                let s = reference_spot(290, 100 + 4 * i, (w, h), pad, bounds, &taken);
                taken.extend(s);
                s
            })
            .collect();
        assert_eq!(spots[0], Some((240, 88, 290, 98)), "just above the first line, right-aligned");
        for (i, s) in spots.iter().enumerate() {
            let s = s.expect("room to the left");
            assert!(s.0 >= 0 && s.2 <= 290, "{i}: {s:?}");
            assert!(!taken.iter().filter(|t| **t != s).any(|t| overlaps(&s, t)), "{i}: {s:?} overlaps");
        }
        assert!(spots.iter().any(|s| s.unwrap().2 < 290), "some moved left");
        // Nowhere left: left out.
        assert_eq!(reference_spot(290, 100, (w, h), pad, bounds, &[(0, 0, 300, 200)]), None);
    }
}
