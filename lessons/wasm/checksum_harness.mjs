// Harness for wasm/checksum, run by the wasm check:
//     node checksum_harness.mjs MODULE.wasm [--quick]
// Checks the learner's adler32 against known values and the JavaScript
// version below, then times both on the same data, interleaved: one run of
// each per round, best of several rounds, on the same bytes in the
// module's memory.  Reports on stdout
// (docs/checks/wasm.md): "step", "fail", "time base", "time native", "ok".
import { readFileSync, writeSync } from 'node:fs';

// Report lines go to stdout, marked with the nonce the check writes on
// stdin (read before the learner's module is loaded).
const nonce = readFileSync(0, 'utf8').split('\n')[0] || '-';
const mark = `WB1 ${nonce} `;
const say = (line) => writeSync(1, mark + line + '\n');

const [file, ...flags] = process.argv.slice(2);
const quick = flags.includes('--quick');

// The plain JavaScript version: the textbook loop.
function adler32js(data) {
  let a = 1, b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

say(`step loading ${file}`);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const { adler32, memory, __heap_base } = instance.exports;
const base = (__heap_base.value + 15) & ~15;

function wasmAdler(data) {
  const need = base + data.length;
  if (need > memory.buffer.byteLength)
    memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  new Uint8Array(memory.buffer, base, data.length).set(data);
  return adler32(base, data.length) >>> 0;
}

function bytes(n, seed, fill) {
  const d = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d[i] = fill === undefined ? s >>> 24 : fill;
  }
  return d;
}

const hex = (v) => '0x' + v.toString(16).padStart(8, '0');
const cases = [
  ['no bytes at all', new Uint8Array(0), 0x00000001],
  ['"Wikipedia"', new TextEncoder().encode('Wikipedia'), 0x11e60398],
  ['one zero byte', new Uint8Array(1), 0x00010001],
  ['5552 bytes of 0xff', bytes(5552, 0, 255)],
  ['5553 bytes of 0xff', bytes(5553, 0, 255)],
  ['1 MiB of 0xff', bytes(1 << 20, 0, 255)],
  ['100 KiB of random bytes', bytes(100 << 10, 1)],
  ['1 MiB + 7 random bytes', bytes((1 << 20) + 7, 2)],
];
for (const [what, data, known] of cases) {
  say(`step checking ${what}`);
  const want = known !== undefined ? known : adler32js(data);
  const got = wasmAdler(data);
  if (got !== want) {
    say(`fail adler32 of ${what} (${data.length} bytes) is ${hex(got)}, want ${hex(want)}`);
    process.exit(0);
  }
}

// Timing: interleaved rounds, best of each.  The data sits in the
// module's memory, as a file read straight into it would, and both
// versions read the same bytes there: no copy is timed, only checksums.
const size = quick ? 1 << 20 : 8 << 20;
const rounds = quick ? 9 : 11;
if (base + size > memory.buffer.byteLength)
  memory.grow(Math.ceil((base + size - memory.buffer.byteLength) / 65536));
const data = new Uint8Array(memory.buffer, base, size);
data.set(bytes(size, 3));
say(`step timing ${size >> 20} MiB, ${rounds} rounds`);
// Warm both up first, so that V8 has optimised the JavaScript before it
// is timed: JavaScript gets its best showing.
for (let i = 0; i < 50; i++) {
  adler32js(data.subarray(0, 1 << 16));
  adler32(base, 1 << 16);
}
let bestJs = Infinity, bestWasm = Infinity;
for (let r = 0; r < rounds; r++) {
  let t0 = performance.now();
  const x = adler32js(data);
  const tJs = performance.now() - t0;
  t0 = performance.now();
  const y = adler32(base, size) >>> 0;
  const tWasm = performance.now() - t0;
  if (x !== y) {
    say(`fail adler32 of ${size} random bytes is ${hex(y)}, want ${hex(x)}`);
    process.exit(0);
  }
  bestJs = Math.min(bestJs, tJs);
  bestWasm = Math.min(bestWasm, tWasm);
}
say(`time base ${(bestJs / 1000).toFixed(6)} ${rounds}`);
say(`time native ${(bestWasm / 1000).toFixed(6)} ${rounds}`);
say(`note ${size >> 20} MiB per run`);
say(`ok adler32 matches on ${cases.length} inputs`);
