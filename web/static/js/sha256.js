// An incremental SHA-256 (FIPS 180-4). The upload protocol needs the digest of the whole
// file, and crypto.subtle is neither incremental nor available outside secure contexts
// (a console reached over plain http on a LAN address), so the console hashes chunk by chunk
// itself as it sends them.

// The round constants and initial hash are the fractional parts of the cube and square
// roots of the first primes; they are derived here with exact integer arithmetic rather
// than listed.
const primes = [];
for (let n = 2; primes.length < 64; n++) {
  if (primes.every((p) => n % p !== 0)) primes.push(n);
}

// fracRoot returns the first 32 bits of the fractional part of p^(1/k) by a bisection on
// BigInt: the largest x with x^k <= p * 2^(32k).
function fracRoot(p, k) {
  const target = BigInt(p) << BigInt(32 * k);
  let lo = 0n;
  let hi = 1n << 40n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (mid ** BigInt(k) <= target) lo = mid;
    else hi = mid - 1n;
  }
  return Number(lo & 0xffffffffn);
}

const K = Uint32Array.from(primes, (p) => fracRoot(p, 3));
const H0 = Uint32Array.from(primes.slice(0, 8), (p) => fracRoot(p, 2));

const rotr = (x, n) => (x >>> n) | (x << (32 - n));

export class SHA256 {
  constructor() {
    this.h = H0.slice();
    this.w = new Uint32Array(64);
    this.buf = new Uint8Array(64);
    this.bufLen = 0;
    this.length = 0; // bytes hashed so far
  }

  // update adds bytes (a Uint8Array) to the message.
  update(data) {
    this.length += data.length;
    let i = 0;
    if (this.bufLen > 0) {
      i = Math.min(64 - this.bufLen, data.length);
      this.buf.set(data.subarray(0, i), this.bufLen);
      this.bufLen += i;
      if (this.bufLen < 64) return this;
      this.block(this.buf, 0);
      this.bufLen = 0;
    }
    for (; i + 64 <= data.length; i += 64) this.block(data, i);
    this.buf.set(data.subarray(i), 0);
    this.bufLen = data.length - i;
    return this;
  }

  // hex finishes the hash and returns it as lower-case hex. The object is spent afterwards.
  hex() {
    const bits = this.length * 8;
    const pad = new Uint8Array((this.bufLen < 56 ? 64 : 128) - this.bufLen);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(pad.length - 4, bits >>> 0);
    this.update(pad);
    return [...this.h].map((x) => x.toString(16).padStart(8, '0')).join('');
  }

  block(data, at) {
    const w = this.w;
    for (let t = 0; t < 16; t++) {
      const j = at + t * 4;
      w[t] = (data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3];
    }
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }

    let [a, b, c, d, e, f, g, hh] = this.h;
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
        K[t] + w[t]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    const add = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) this.h[i] = (this.h[i] + add[i]) | 0;
  }
}
