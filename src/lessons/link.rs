//! A lesson inside a link: `lesson=~` then base64url (no padding) of the raw-deflated JSON text, so that a
//! lecturer's own lesson needs no server. A shipped lesson is named instead (`lesson=implicit-bias`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Marks an inline lesson in `lesson=` (a shipped lesson's name never starts with it).
pub const MARK: char = '~';

/// Longest `lesson=` value accepted (characters): the whole link stays under the query limit.
pub const MAX_ENCODED: usize = 6_000;

/// `~` + base64url(deflate(text)).
pub fn encode(text: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    format!("{MARK}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// The lesson text inside `value` (which starts with [`MARK`]); errors say what is wrong with it.
pub fn decode(value: &str) -> Result<String, String> {
    let body = value.strip_prefix(MARK).ok_or("an inline lesson starts with ~")?;
    if body.len() > MAX_ENCODED {
        return Err(format!("an inline lesson of {} characters; at most {MAX_ENCODED}", body.len()));
    }
    let packed =
        URL_SAFE_NO_PAD.decode(body.trim_end_matches('=')).map_err(|_| "an inline lesson is cut or damaged")?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, super::MAX_BYTES)
        .map_err(|_| "an inline lesson is cut or damaged (or over its size limit)")?;
    String::from_utf8(bytes).map_err(|_| "an inline lesson is not text".into())
}

/// `text` (valid JSON) with its insignificant whitespace removed, as it goes into a link.
pub fn minified(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text).map_or_else(|_| text.to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_survives_its_link_and_a_damaged_link_is_named() {
        let text = minified(include_str!("implicit-bias.json"));
        let link = encode(&text);
        assert!(link.starts_with('~') && link.len() < MAX_ENCODED, "{} characters", link.len());
        assert!(link.len() * 2 < text.len(), "compressed: {} of {}", link.len(), text.len());
        assert!(link[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "URL-safe");
        assert_eq!(decode(&link).unwrap(), text);
        assert!(decode(&link[..link.len() / 2]).unwrap_err().contains("cut or damaged"));
        assert!(decode("~!!").unwrap_err().contains("cut or damaged"));
        assert!(decode(&format!("~{}", "A".repeat(MAX_ENCODED + 1))).unwrap_err().contains("at most"));
    }
}
