//! `dist/rankflow.html`: the whole page in one file that opens from `file://` (double-clicked, mailed, on a USB
//! stick). Browsers refuse module scripts and `fetch()` from `file://`, so the CSS is inlined; every JS module
//! (page, both workers, the wasm-bindgen glue) goes gzipped into one JSON map and the plain simd128 wasm gzipped
//! beside it, both base64 in inert data blocks; a small classic loader, allowed by its SHA-256 in the CSP, inflates
//! them (DecompressionStream), turns each module into a Blob URL with its relative imports rewritten to the Blob
//! URLs of their targets, and imports `main.js`. The page asks `globalThis.rankflowOffline` for the wasm bytes and
//! for its workers (`www/js/ui.js` `startWorker`): classic workers that import their modules the same way, since
//! a module worker cannot start from `file://`.

use base64::Engine;
use flate2::{write::GzEncoder, Compression};
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

const LOADER: &str = r#"(async () => {
  const bytes = (id) => Uint8Array.from(atob(document.getElementById(id).textContent.trim()), (c) => c.charCodeAt(0));
  const inflate = async (b) => new Uint8Array(await new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
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
    const sources = JSON.parse(new TextDecoder().decode(await inflate(bytes("rankflow-js"))));
    const wasm = inflate(bytes("rankflow-wasm"));
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
    box.textContent = `rankflow could not start from this file: ${e.message}. It needs a recent browser (Chrome or Edge 80+, Firefox 113+, Safari 16.4+).`;
    box.hidden = false;
    document.getElementById("status").textContent = "";
  }
})();"#;

fn gzip(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(data).map_err(|e| e.to_string())?;
    enc.finish().map_err(|e| e.to_string())
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
    let hash = b64(&Sha256::digest(LOADER.as_bytes()));
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
            "<script id=\"rankflow-js\" type=\"application/octet-stream\">{}</script>\n\
             <script id=\"rankflow-wasm\" type=\"application/octet-stream\">{}</script>\n<script>{LOADER}</script>",
            b64(&gzip(&js)?),
            b64(&gzip(&wasm)?)
        ),
    )?;
    std::fs::write(out, &html).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(html.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

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
