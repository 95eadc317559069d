//! `dist/rankflow.html`: the whole page in one file that opens from `file://` (double-clicked, mailed, on a USB
//! stick). Browsers refuse module scripts and `fetch()` from `file://`, so the CSS is inlined; every JS module
//! (page, both workers, the wasm-bindgen glue) goes into one JSON map and the plain simd128 wasm beside it, each
//! LZMA-compressed (a quarter smaller than gzip) and written as 7-bit text (`text7`: 8/7 of the bytes, where base64
//! takes 4/3) in an inert data block; a small classic loader, allowed by its SHA-256 in the CSP, decodes them
//! (`unpack.js`), turns each module into a Blob URL with its relative imports rewritten to the Blob URLs of their
//! targets, and imports `main.js`. The page asks `globalThis.rankflowOffline` for the wasm bytes and
//! for its workers (`www/js/ui.js` `startWorker`): classic workers that import their modules the same way, since
//! a module worker cannot start from `file://`.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The modules the page loads, relative to www/ (workers included: they are started from Blob URLs too).
fn modules(www: &Path) -> Result<Vec<String>, String> {
    let mut out = vec!["main.js".to_string(), "sim-worker.js".into(), "worker.js".into(), "pkg/rankflow.js".into()];
    let mut js: Vec<String> = std::fs::read_dir(www.join("js"))
        .map_err(|e| format!("cannot list www/js: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".js"))
        .map(|n| format!("js/{n}"))
        .collect();
    js.sort();
    out.extend(js);
    Ok(out)
}

/// The decoders of the data blocks (`untext7`, `unlzma`); the browser tests check them on the built file.
const UNPACK: &str = include_str!("unpack.js");

const LOADER: &str = r#"
  const block = (id) => {
    const el = document.getElementById(id);
    return unlzma(untext7(el.textContent, Number(el.dataset.bytes)));
  };
  // Blob URLs for the modules, each with its relative imports rewritten to its targets' Blob URLs.
  const modules = (sources) => {
    const urls = new Map(), open = new Set();
    const url = (path) => {
      if (urls.has(path)) return urls.get(path);
      if (!Object.hasOwn(sources, path)) throw new Error(`no module ${path} in this file`);
      if (open.has(path)) throw new Error(`import cycle at ${path}`);
      open.add(path);
      const text = sources[path].replace(/(\bfrom\s*|\bimport\s*\(\s*)(["'])(\.{1,2}\/[^"']+)\2/g,
        (m, pre, q, spec) => pre + q + url(new URL(spec, `file:///r/${path}`).pathname.slice(3)) + q);
      const u = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
      urls.set(path, u);
      return u;
    };
    return url;
  };
  try {
    const sources = JSON.parse(new TextDecoder().decode(block("rankflow-js")));
    const wasm = new Promise((ok) => setTimeout(ok)).then(() => block("rankflow-wasm"));
    const url = modules(sources);
    // From file:// a module worker cannot start, a classic one can, and it may import Blob URLs it makes itself:
    // each worker is a classic script that builds its own module URLs, imports its entry and then hands it the
    // messages that arrived meanwhile.
    const worker = (entry) => new Worker(URL.createObjectURL(new Blob([`const queue = []; onmessage = (e) => queue.push(e);
import((${modules})(${JSON.stringify(sources).replace(/</g, "\\u003c")})(${JSON.stringify(entry)}))
  .then(() => { for (const e of queue) onmessage(e); }, (e) => postMessage({ type: "crashed", message: String(e) }));`],
      { type: "text/javascript" })));
    globalThis.rankflowOffline = { wasm: () => wasm, worker };
    await import(url("main.js"));
  } catch (e) {
    const box = document.getElementById("message");
    box.textContent = `rankflow could not start from this file: ${e.message}. It needs a recent browser (Chrome or Edge 97+, Firefox 102+, Safari 16.4+).`;
    box.hidden = false;
    document.getElementById("status").textContent = "";
  }
"#;

/// The inline script: the decoders and the loader in one async function.
fn loader() -> String {
    format!("(async () => {{\n{UNPACK}{LOADER}}})();")
}

/// `data` as an "LZMA alone" stream (lc 3, lp 0, pb 0: wasm and JSON have no 4-byte alignment to exploit) whose
/// header states the unpacked size, so the decoder needs no end marker (liblzma writes one; it is ignored).
fn lzma(data: &[u8]) -> Result<Vec<u8>, String> {
    use xz2::stream::{LzmaOptions, Stream};
    const PRESET_EXTREME: u32 = 0x8000_0000; // liblzma's LZMA_PRESET_EXTREME
    let err = |e: xz2::stream::Error| format!("single file: LZMA: {e}");
    let mut opts = LzmaOptions::new_preset(9 | PRESET_EXTREME).map_err(err)?;
    opts.literal_context_bits(3).literal_position_bits(0).position_bits(0);
    let mut enc = xz2::write::XzEncoder::new_stream(Vec::new(), Stream::new_lzma_encoder(&opts).map_err(err)?);
    enc.write_all(data).map_err(|e| e.to_string())?;
    let mut out = enc.finish().map_err(|e| e.to_string())?;
    out[5..13].copy_from_slice(&(data.len() as u64).to_le_bytes());
    Ok(out)
}

/// The 7-bit groups that cannot stand as themselves in a `<script>` block: NUL and CR (the HTML parser replaces
/// them) and `<` (it could start `</script`).
const UNSAFE: [u32; 3] = [0x00, 0x0d, 0x3c];

/// `data` as text safe inside `<script>`: its bits (most significant first, zero-padded) in groups of 7, each a
/// char below 128, except that an unsafe group and the group after it make one char 0x100 + (index << 7) + next
/// (two bytes of UTF-8). The decoder needs the byte count.
fn text7(data: &[u8]) -> String {
    let bits = data.len() * 8;
    let group =
        |at: usize| (at..at + 7).fold(0u32, |v, k| v << 1 | (k < bits && data[k / 8] & (0x80 >> (k % 8)) != 0) as u32);
    let mut out = String::with_capacity(bits / 7 + 8);
    let mut at = 0;
    while at < bits {
        let g = group(at);
        at += 7;
        match UNSAFE.iter().position(|&u| u == g) {
            None => out.push(char::from(g as u8)),
            Some(i) => {
                out.push(char::from_u32(0x100 + ((i as u32) << 7) + group(at)).expect("below 0x280"));
                at += 7;
            }
        }
    }
    out
}

/// A data block of the single file: `data` compressed and written as 7-bit text.
fn data_block(id: &str, data: &[u8]) -> Result<String, String> {
    let packed = lzma(data)?;
    Ok(format!(
        "<script id=\"{id}\" type=\"application/octet-stream\" data-bytes=\"{}\">{}</script>",
        packed.len(),
        text7(&packed)
    ))
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Replaces the one occurrence of `from` in `html`; an error if it is missing (the page changed shape).
fn replace_once(html: &mut String, from: &str, to: &str) -> Result<(), String> {
    match html.matches(from).count() {
        1 => {
            *html = html.replacen(from, to, 1);
            Ok(())
        }
        n => Err(format!("single file: expected one {from:?} in www/index.html, found {n}")),
    }
}

/// Relative imports of a module (`from "./x.js"`, `import("./x.js")`), as paths relative to www/.
fn imports(path: &str, text: &str) -> Vec<String> {
    let mut out = vec![];
    for key in ["from", "import("] {
        let mut rest = text;
        while let Some(i) = rest.find(key) {
            rest = &rest[i + key.len()..];
            let t = rest.trim_start();
            let Some(q) = t.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
            let Some(end) = t[1..].find(q) else { continue };
            let spec = &t[1..1 + end];
            if spec.starts_with("./") || spec.starts_with("../") {
                out.push(resolve(path, spec));
            }
        }
    }
    out
}

/// `spec` relative to module `from` (both relative to www/).
fn resolve(from: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in spec.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Writes `out` from the built page in `www` (wasm in www/pkg); returns its size in bytes.
pub fn write(www: &Path, out: &Path) -> Result<u64, String> {
    let read =
        |p: &str| std::fs::read_to_string(www.join(p)).map_err(|e| format!("single file: cannot read www/{p}: {e}"));
    let mut sources = BTreeMap::new();
    for m in modules(www)? {
        sources.insert(m.clone(), read(&m)?);
    }
    for (path, text) in &sources {
        if let Some(missing) = imports(path, text).into_iter().find(|i| !sources.contains_key(i)) {
            return Err(format!("single file: {path} imports {missing}, which is not inlined"));
        }
    }
    let js = serde_json::to_vec(&sources).map_err(|e| e.to_string())?;
    let wasm = std::fs::read(www.join("pkg/rankflow_bg.wasm")).map_err(|e| format!("single file: no wasm: {e}"))?;
    let css = read("style.css")?;
    let icon = read("favicon.svg")?;
    if css.contains("</style") {
        return Err("single file: style.css contains </style".into());
    }
    let mut html = read("index.html")?;
    let loader = loader();
    let hash = b64(&Sha256::digest(loader.as_bytes()));
    let csp_start = html.find("content=\"default-src").ok_or("single file: no CSP meta tag in www/index.html")?;
    let csp_end = csp_start + 9 + html[csp_start + 9..].find('"').ok_or("single file: unterminated CSP")?;
    html.replace_range(
        csp_start..=csp_end,
        &format!(
            "content=\"default-src 'none'; script-src 'sha256-{hash}' blob: 'wasm-unsafe-eval'; worker-src blob:; \
             style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'\""
        ),
    );
    replace_once(&mut html, r#"<link rel="stylesheet" href="style.css">"#, &format!("<style>\n{css}</style>"))?;
    replace_once(
        &mut html,
        r#"<link rel="icon" href="favicon.svg" type="image/svg+xml">"#,
        &format!(r#"<link rel="icon" href="data:image/svg+xml;base64,{}">"#, b64(icon.as_bytes())),
    )?;
    replace_once(
        &mut html,
        r#"<script type="module" src="main.js"></script>"#,
        &format!(
            "{}\n{}\n<script>{loader}</script>",
            data_block("rankflow-js", &js)?,
            data_block("rankflow-wasm", &wasm)?
        ),
    )?;
    std::fs::write(out, &html).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(html.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `text7` the way unpack.js does.
    fn untext7(s: &str, n: usize) -> Vec<u8> {
        let (mut acc, mut bits, mut out) = (0u32, 0, vec![]);
        let mut put = |v: u32| {
            acc = acc << 7 | v;
            bits += 7;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        };
        for c in s.chars().map(u32::from) {
            if c < 0x80 {
                put(c)
            } else {
                put(UNSAFE[(c as usize - 0x100) >> 7]);
                put((c - 0x100) & 0x7f);
            }
        }
        out.truncate(n);
        out
    }

    #[test]
    fn text7_round_trips_and_never_writes_an_unsafe_char() {
        let mut data: Vec<u8> = (0..=255).collect();
        data.extend((0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
        data.extend([0, 0, 0, 0, 0x0d, 0x3c, 0x3c, 0]);
        for n in [0, 1, 6, 7, 8, 9, 255, 256, data.len()] {
            let text = text7(&data[..n]);
            assert!(!text.contains(['\0', '\r', '<']), "unsafe char for n = {n}");
            assert_eq!(untext7(&text, n), &data[..n], "n = {n}");
            assert!(text.len() <= n * 8 / 7 + n / 20 + 2, "{} bytes of text for {n}", text.len());
        }
        // An all-zero input is the worst case: every group is NUL, written two groups to a two-byte char.
        assert_eq!(text7(&[0; 7]).len(), 8);
    }

    #[test]
    fn lzma_header_states_the_size() {
        let data = b"rankflow rankflow rankflow".repeat(40);
        let packed = lzma(&data).unwrap();
        assert_eq!(packed[0], 3, "lc 3, lp 0, pb 0");
        assert_eq!(u64::from_le_bytes(packed[5..13].try_into().unwrap()), data.len() as u64);
        assert!(packed.len() < 100);
    }

    #[test]
    fn imports_resolve_relative_to_the_module() {
        let text = r#"import init, * as wasm from "./pkg/rankflow.js";
import { $ } from "./ui.js"; export { a } from '../x.js'; const m = await import("./lazy.js"); // from "https://no""#;
        assert_eq!(imports("js/session.js", text), ["js/pkg/rankflow.js", "js/ui.js", "x.js", "js/lazy.js"]);
        assert_eq!(resolve("sim-worker.js", "./js/simulation.js"), "js/simulation.js");
        assert_eq!(resolve("js/ui.js", "../sim-worker.js"), "sim-worker.js");
    }

    #[test]
    fn every_page_module_is_inlined_with_its_imports() {
        let www = crate::root().join("www");
        let names = modules(&www).unwrap();
        for m in &names {
            let text = std::fs::read_to_string(www.join(m));
            let Ok(text) = text else { continue }; // pkg/ exists only after a build
            for i in imports(m, &text) {
                assert!(names.contains(&i), "{m} imports {i}, which the single file would not carry");
            }
        }
    }
}
