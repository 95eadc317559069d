//! One notation for every text the user reads (page read-outs, captions, tick labels, CLI lines): Unicode
//! sub/superscripts instead of TeX, steps as `6.4k`, small numbers as `1.3e-3`.

/// `n` in subscript digits: 12 → "₁₂".
pub fn sub(n: usize) -> String {
    n.to_string().chars().map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect()
}

/// σ with a subscript index: "σ₂".
pub fn sigma(i: usize) -> String {
    format!("σ{}", sub(i))
}

/// A step count: 0, 500, 2.5k, 40k, 1.2M.
pub fn step(v: f64) -> String {
    let a = v.abs();
    let (x, unit) = if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    format!("{}{unit}", round_sig(x, 3))
}

/// Two significant digits, switching to `1.3e-3` outside [0.01, 1e4): 0.29, 10, 1.3e-3.
pub fn short(v: f64) -> String {
    number(v, 2)
}

/// `digits` significant digits, switching to `a.be-c` outside [0.01, 1e4); "–" when not finite; negative
/// numbers with a true minus sign (−2.5).
pub fn number(v: f64, digits: i32) -> String {
    if v < 0.0 {
        return format!("−{}", number(-v, digits));
    }
    if !v.is_finite() {
        return "–".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let e = v.abs().log10().floor() as i32;
    if (-2..4).contains(&e) {
        format!("{}", round_sig(v, digits))
    } else {
        let mantissa = round_sig(v / 10f64.powi(e), digits);
        // Rounding can carry the mantissa to 10 (9.96 → 10): renormalise.
        let (mantissa, e) = if mantissa.abs() >= 10.0 { (mantissa / 10.0, e + 1) } else { (mantissa, e) };
        format!("{}e{e}", round_sig(mantissa, digits))
    }
}

/// Tick label for a position on a log₁₀ axis: 10^v, as `1e-3`, `100`, `2.5e-7`.
pub fn log_tick(exponent: f64) -> String {
    let rounded = exponent.round();
    if (exponent - rounded).abs() < 1e-9 {
        let e = rounded as i32;
        return match e {
            0..=3 => format!("{}", 10i64.pow(e as u32)),
            _ => format!("1e{e}"),
        };
    }
    number(10f64.powf(exponent), 2)
}

/// v rounded to `digits` significant digits.
pub fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let p = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * p).round() / p
}

/// A finite number as a person types it (`1e-6`, `0.5`, `.5`, `+2`, `3.`, surrounding spaces), `None` otherwise
/// (`nan`, `inf`, `1e999`, text). Read by serde_json's correctly rounded parser, which the page needs anyway:
/// Rust's own `str::parse::<f64>` would add a second reader and its 10 KB table of powers of five to the wasm.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, digits) = match t.as_bytes().first() {
        Some(b'-') => ("-", &t[1..]),
        Some(b'+') => ("", &t[1..]),
        _ => ("", t),
    };
    let (mantissa, exponent) = digits.find(['e', 'E']).map_or((digits, ""), |k| digits.split_at(k));
    if !mantissa.bytes().any(|b| b.is_ascii_digit()) || !mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    // JSON wants no leading zeros and a digit on both sides of the point.
    let mantissa = mantissa.trim_start_matches('0');
    let lead = if mantissa.is_empty() || mantissa.starts_with('.') { "0" } else { "" };
    let trail = if mantissa.ends_with('.') { "0" } else { "" };
    let json = format!("{sign}{lead}{mantissa}{trail}{exponent}");
    serde_json::from_str::<f64>(&json).ok().filter(|x| x.is_finite())
}

/// Whether `text` holds TeX markup (`_{`, `^{`, a backslash): user-facing text must not.
pub fn has_tex(text: &str) -> bool {
    text.contains("_{") || text.contains("^{") || text.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed_and_exactly() {
        for (text, v) in [("1e-6", 1e-6), (" 0.5 ", 0.5), (".5", 0.5), ("-.5", -0.5), ("+2", 2.0), ("3.", 3.0)] {
            assert_eq!(parse_number(text), Some(v), "{text}");
        }
        for text in [
            "1E3",
            "-0",
            "0",
            "007",
            "00.5",
            "0.",
            "-00.25e01",
            "12",
            "2.5e+2",
            "0.1",
            "9007199254740993",
            "1.7976931348623157e308",
            "4.9e-324",
        ] {
            assert_eq!(parse_number(text), text.parse::<f64>().ok(), "{text}: rounded as Rust rounds");
        }
        for text in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "nan",
            "NaN",
            "inf",
            "-Infinity",
            "1e999",
            "0x10",
            "1,5",
            "1 2",
            "--1",
            "+-1",
            "1..2",
            "٣",
        ] {
            assert_eq!(parse_number(text), None, "{text}");
        }
    }

    #[test]
    fn labels_are_clean() {
        assert_eq!(log_tick(-3.0), "1e-3");
        assert_eq!(log_tick(2.0), "100");
        assert_eq!(log_tick(-5.0 + 0.3979400086720376), "2.5e-5");
        assert_eq!(log_tick(-0.5), "0.32");
        assert_eq!(step(0.0), "0");
        assert_eq!(step(25_000.0), "25k");
        assert_eq!(step(1_200_000.0), "1.2M");
        assert_eq!(step(99999.99999), "100k");
        assert_eq!(short(0.00129), "1.3e-3");
        assert_eq!(short(9.96e-6), "1e-5");
        assert_eq!(short(0.294), "0.29");
        assert_eq!(number(3.8, 3), "3.8");
        assert_eq!(number(-1.25, 3), "−1.25");
        assert_eq!(sigma(12), "σ₁₂");
        assert!(has_tex("½Σ_{i>k}") && has_tex("\\sigma") && !has_tex("½(sₖ₊₁² + … + sᵣ²)"));
    }
}
