//! Which field a JSON parse error points at. serde_json reports the line and (1-based) column of the last
//! character it read: the end of the key or value it rejected (an unknown field, a wrong type), the closing
//! brace of an object missing a field, or the character that broke the syntax. Scanning the text up to there
//! gives the path of that value, written as `problem.singular_values[1]`.
//! This names fields without a path-tracking deserializer, which doubled the wasm code of every config type.

/// One open object or array between the document's start and the offset.
enum Frame {
    /// The key being read or last read, `None` right after `{` or `,`.
    Object(Option<String>),
    /// The index of the element being read (the commas seen so far).
    Array(usize),
}

/// Path of the value at the position of `error` in `text` ("" at the top level).
pub fn error_path(text: &str, error: &serde_json::Error) -> String {
    if error.line() == 0 {
        return String::new();
    }
    let start: usize = text.split('\n').take(error.line() - 1).map(|l| l.len() + 1).sum();
    // A syntax error points at a character that is not part of the document's structure: stop before it.
    let syntax = matches!(error.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
    path_at(text, (start + error.column()).saturating_sub(usize::from(syntax)))
}

/// Path of the value being read at byte `offset` of `text` ("" at the top level).
pub fn path_at(text: &str, offset: usize) -> String {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = vec![];
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            b'"' => {
                let from = i + 1;
                i = from;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    *key = Some(text.get(from..i.min(bytes.len())).unwrap_or("").to_string());
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => break,
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::path_at;

    /// The path at the end of `before`, read in `before` followed by `after`.
    fn at(before: &str, after: &str) -> String {
        path_at(&format!("{before}{after}"), before.len())
    }

    #[test]
    fn names_keys_indices_and_enclosing_objects() {
        assert_eq!(at(r#"{"problem": {"kind": "full", "colour""#, ": 1}}"), "problem.colour");
        assert_eq!(at(r#"{"problem": {"n": "20""#, "}}"), "problem.n");
        assert_eq!(at(r#"{"a": [1, [2, "x""#, "]]}"), "a[1][1]");
        assert_eq!(at(r#"{"o": {"kind": "gd", "m": 1}"#, "}"), "o");
        assert_eq!(at(r#"{"o": {"kind": "gd","#, "}}"), "o");
        assert_eq!(at(r#"{"seed": 1}"#, ""), "");
        assert_eq!(at(r#"{"a\"b": 1"#, "}"), r#"a\"b"#);
        assert_eq!(at(r#"{"s": "x, y}]""#, "}"), "s");
    }

    #[test]
    fn survives_any_offset() {
        let text = r#"{"a": [1, {"b": "c\\"}], "d": ["#;
        for offset in 0..=text.len() + 3 {
            path_at(text, offset);
        }
        assert_eq!(path_at(text, text.len()), "d[0]");
        assert_eq!(path_at("\"", 1), "");
    }
}
