// Harness for wasm/blur, run by the wasm check:
//     node blur_harness.mjs MODULE.wasm [--quick]
// Loads the learner's module, blurs test images with it and with the
// reference below, and reports on stdout (docs/checks/wasm.md):
// "step ...", then "fail ..." at the first wrong image, or a "note" with
// the speed on one camera-sized frame and "ok".
import { readFileSync, writeSync } from 'node:fs';

// Report lines go to stdout, marked with the nonce the check writes on
// stdin (read before the learner's module is loaded).
const nonce = readFileSync(0, 'utf8').split('\n')[0] || '-';
const mark = `WB1 ${nonce} `;
const say = (line) => writeSync(1, mark + line + '\n');

const [file, ...flags] = process.argv.slice(2);
const quick = flags.includes('--quick');

// The reference: the mean over the window clipped to the image, rounded
// half up.
function reference(src, width, height, radius) {
  const dst = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius), y1 = Math.min(height - 1, y + radius);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius), x1 = Math.min(width - 1, x + radius);
      let sum = 0;
      for (let sy = y0; sy <= y1; sy++)
        for (let sx = x0; sx <= x1; sx++) sum += src[sy * width + sx];
      const count = (x1 - x0 + 1) * (y1 - y0 + 1);
      dst[y * width + x] = Math.floor((sum + Math.floor(count / 2)) / count);
    }
  }
  return dst;
}

// A fixed pseudo-random image, the same on every run.
function image(width, height, seed, fill) {
  const px = new Uint8Array(width * height);
  let s = seed >>> 0;
  for (let i = 0; i < px.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    px[i] = fill === undefined ? s >>> 24 : fill;
  }
  return px;
}

say(`step loading ${file}`);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const { blur, memory, __heap_base } = instance.exports;

// Place src and dst in the module's memory, above its own data.
function run(src, width, height, radius) {
  const n = width * height;
  const base = (__heap_base.value + 15) & ~15;
  const need = base + 2 * n + 16;
  if (need > memory.buffer.byteLength)
    memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  new Uint8Array(memory.buffer, base, n).set(src);
  blur(base, base + n, width, height, radius);
  return new Uint8Array(memory.buffer, base + n, n).slice();
}

function compare(got, want, width, height, radius, what) {
  let wrong = 0, border = 0, first = -1, worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i]) continue;
    const x = i % width, y = Math.floor(i / width);
    wrong++;
    if (x < radius || y < radius || x >= width - radius || y >= height - radius)
      border++;
    if (first < 0) first = i;
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  if (!wrong) return true;
  const x = first % width, y = Math.floor(first / width);
  const where = border === wrong
    ? `all of them within ${radius} pixel${radius === 1 ? '' : 's'} of the border`
    : border === 0 ? 'none of them near the border'
    : `${border} of them near the border`;
  const size = worst === 1 ? 'each off by 1' : `up to ${worst} apart`;
  say(`fail ${what}, ${width}x${height}, radius ${radius}: ${wrong} of ${want.length} ` +
      `pixels differ from the reference (${where}; ${size}); ` +
      `first at (${x}, ${y}): got ${got[first]}, want ${want[first]}`);
  return false;
}

const cases = [
  ['radius 0 copies', 9, 4, 0, image(9, 4, 1)],
  ['a white image stays white', 8, 6, 1, image(8, 6, 0, 255)],
  ['a random image', 7, 5, 1, image(7, 5, 2)],
  ['a random image', 16, 9, 2, image(16, 9, 3)],
  ['one row', 33, 1, 2, image(33, 1, 4)],
  ['one column', 1, 20, 1, image(1, 20, 5)],
  ['a radius wider than the image', 5, 3, 10, image(5, 3, 6)],
  ['one pixel', 1, 1, 3, image(1, 1, 7)],
  ['a larger image', 64, 48, 3, image(64, 48, 8)],
  ['a very wide image', 5000, 3, 1, image(5000, 3, 10)],
];
for (const [what, w, h, r, src] of cases) {
  say(`step blurring ${what} (${w}x${h}, radius ${r})`);
  if (!compare(run(src, w, h, r), reference(src, w, h, r), w, h, r, what))
    process.exit(0);
}

// Speed, for information: one camera-sized frame, best of several runs.
const [fw, fh, fr] = quick ? [160, 120, 2] : [640, 480, 2];
const frame = image(fw, fh, 9);
say(`step timing a ${fw}x${fh} frame`);
let best = Infinity;
for (let i = 0; i < (quick ? 3 : 7); i++) {
  const t0 = performance.now();
  run(frame, fw, fh, fr);
  best = Math.min(best, performance.now() - t0);
}
const fps = Math.floor(1000 / Math.max(best, 1e-3));
say(`note a ${fw}x${fh} frame with radius ${fr} takes ${best.toFixed(2)} ms (${fps} frames per second)`);
say(`ok the output matches the reference on ${cases.length} images`);
