// Decoders for dist/rankflow.html's data blocks; written by xtask/src/single_file.rs, which documents the formats.

// 7-bit text → bytes: each char below 128 carries 7 bits (most significant first); a char ≥ 0x100 stands for an
// unsafe 7-bit group (NUL, CR, "<") followed by the next group: 0x100 + (unsafe index << 7) + next.
const untext7 = (s, n) => {
  const unsafe = [0x00, 0x0d, 0x3c],
    out = new Uint8Array(n);
  let acc = 0,
    bits = 0,
    o = 0;
  const put = (v) => {
    acc = (acc << 7) | v;
    bits += 7;
    if (bits >= 8) {
      bits -= 8;
      if (o < n) out[o++] = acc >>> bits;
      acc &= (1 << bits) - 1;
    }
  };
  for (let i = 0; i < s.length && o < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) put(c);
    else if (c >= 0x100 && c < 0x100 + (unsafe.length << 7)) {
      put(unsafe[(c - 0x100) >> 7]);
      put((c - 0x100) & 0x7f);
    } else throw new Error(`bad character U+${c.toString(16)} in a data block`);
  }
  if (o !== n) throw new Error(`data block too short: ${o} of ${n} bytes`);
  return out;
};

// .lzma ("LZMA alone") → bytes, for a header that states the unpacked size (an end marker after it is ignored).
// The range decoder of the LZMA SDK's reference decoder (LzmaSpec.cpp); numbers stay exact doubles below 2³².
const unlzma = (src) => {
  let props = src[0];
  if (props >= 225) throw new Error("bad LZMA properties");
  const lc = props % 9;
  props = (props / 9) | 0;
  const lpMask = (1 << (props % 5)) - 1,
    pbMask = (1 << ((props / 5) | 0)) - 1;
  let size = 0;
  for (let i = 12; i >= 5; i--) size = size * 256 + src[i];
  if (size > 2 ** 31) throw new Error("LZMA block without a size");
  const out = new Uint8Array(size);
  let ip = 14,
    range = 0xffffffff,
    code = 0;
  for (let i = 0; i < 4; i++) code = code * 256 + src[ip++];
  const probs = (n) => new Uint16Array(n).fill(1024);
  const normalize = () => {
    if (range < 0x1000000) {
      range *= 256;
      code = code * 256 + (ip < src.length ? src[ip++] : 0);
    }
  };
  const bit = (p, i) => {
    const bound = (range >>> 11) * p[i];
    let b = 0;
    if (code < bound) {
      range = bound;
      p[i] += (2048 - p[i]) >> 5;
    } else {
      range -= bound;
      code -= bound;
      p[i] -= p[i] >> 5;
      b = 1;
    }
    normalize();
    return b;
  };
  const direct = (n) => {
    let r = 0;
    for (; n > 0; n--) {
      range = range >>> 1;
      let b = 0;
      if (code >= range) {
        code -= range;
        b = 1;
      }
      r = r * 2 + b;
      normalize();
    }
    return r;
  };
  const tree = (p, base, n) => {
    let m = 1;
    for (let i = 0; i < n; i++) m = (m << 1) | bit(p, base + m);
    return m - (1 << n);
  };
  const reverse = (p, base, n) => {
    let m = 1,
      s = 0;
    for (let i = 0; i < n; i++) {
      const b = bit(p, base + m);
      m = (m << 1) | b;
      s |= b << i;
    }
    return s;
  };
  // Length coders: choice, choice 2, low[16][8], mid[16][8], high[256]; lengths from 0 (= 2 bytes).
  const lenCoder = probs(514),
    repLenCoder = probs(514);
  const len = (p, ps) =>
    !bit(p, 0) ? tree(p, 2 + ps * 8, 3) : !bit(p, 1) ? 8 + tree(p, 130 + ps * 8, 3) : 16 + tree(p, 258, 8);
  const slots = probs(256),
    special = probs(115),
    align = probs(16);
  const distance = (l) => {
    const slot = tree(slots, (l < 3 ? l : 3) << 6, 6);
    if (slot < 4) return slot;
    const n = (slot >> 1) - 1,
      d = (2 | (slot & 1)) * 2 ** n;
    if (slot < 14) return d + reverse(special, d - slot, n);
    return d + direct(n - 4) * 16 + reverse(align, 0, 4);
  };
  const literals = probs(0x300 << (lc + (props % 5)));
  const isMatch = probs(192),
    isRep = probs(12),
    isRepG0 = probs(12),
    isRepG1 = probs(12),
    isRepG2 = probs(12);
  const isRep0Long = probs(192);
  let state = 0,
    rep0 = 0,
    rep1 = 0,
    rep2 = 0,
    rep3 = 0,
    pos = 0;
  while (pos < size) {
    const ps = pos & pbMask;
    if (!bit(isMatch, (state << 4) + ps)) {
      const base = 0x300 * (((pos & lpMask) << lc) + ((pos > 0 ? out[pos - 1] : 0) >> (8 - lc)));
      let s = 1;
      if (state >= 7) {
        let match = out[pos - rep0 - 1];
        do {
          const m = (match >> 7) & 1;
          match <<= 1;
          const b = bit(literals, base + ((1 + m) << 8) + s);
          s = (s << 1) | b;
          if (m !== b) break;
        } while (s < 0x100);
      }
      while (s < 0x100) s = (s << 1) | bit(literals, base + s);
      out[pos++] = s & 0xff;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let l;
    if (bit(isRep, state)) {
      if (pos === 0) throw new Error("corrupt LZMA block");
      if (!bit(isRepG0, state)) {
        if (!bit(isRep0Long, (state << 4) + ps)) {
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let d;
        if (!bit(isRepG1, state)) d = rep1;
        else {
          if (!bit(isRepG2, state)) d = rep2;
          else {
            d = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = d;
      }
      l = len(repLenCoder, ps);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      l = len(lenCoder, ps);
      state = state < 7 ? 7 : 10;
      rep0 = distance(l);
      if (rep0 === 0xffffffff) break;
      if (rep0 >= pos) throw new Error("corrupt LZMA block");
    }
    for (let n = l + 2; n > 0 && pos < size; n--, pos++) out[pos] = out[pos - rep0 - 1];
  }
  if (pos !== size) throw new Error(`LZMA block ended after ${pos} of ${size} bytes`);
  return out;
};
