/*
 * wasm/blur: a box blur for the browser, compiled to WebAssembly
 *
 * A photo editor running in the browser wants a soft-focus filter.  The
 * page is JavaScript, but the pixel loop is C compiled to a .wasm module:
 *
 *     clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry \
 *           -Wl,--export=blur -o blur.wasm blur.c
 *
 * JavaScript copies a grayscale image (one byte per pixel, row after row)
 * into the module's memory and calls blur() with offsets into that memory
 * as the pointers.  Write blur():
 *
 *     void blur(const unsigned char *src, unsigned char *dst,
 *               int width, int height, int radius);
 *
 * The contract:
 *   - dst[y * width + x] is the mean of the pixels of src in the square
 *     window from (x - radius, y - radius) to (x + radius, y + radius);
 *   - near the border, the window is cut to the part inside the image, and
 *     the mean is over the pixels that are actually in the window (a
 *     corner pixel with radius 1 averages 4 pixels, not 9);
 *   - the mean is rounded to the nearest integer, halves up:
 *     (sum + count / 2) / count;
 *   - radius is 0 or more (0 copies the image); it may exceed the image.
 *
 * There is no C library here: no malloc, no printf, no <string.h>.  The
 * freestanding headers (<stddef.h>, <stdint.h>) still work.
 *
 * The starter below gives the right answer in the middle of the image.
 * Look at what it does near the edges.
 *
 * Check your work:   workbook check wasm/blur
 * Stuck?             workbook hint wasm/blur
 */
void blur(const unsigned char *src, unsigned char *dst, int width, int height,
	  int radius)
{
	int side = 2 * radius + 1;
	int count = side * side; /* pixels in the window */

	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width; x++) {
			unsigned sum = 0;
			for (int dy = -radius; dy <= radius; dy++) {
				for (int dx = -radius; dx <= radius; dx++) {
					int sx = x + dx, sy = y + dy;
					if (sx < 0 || sx >= width || sy < 0 ||
					    sy >= height)
						continue; /* outside the image
							   */
					sum += src[sy * width + sx];
				}
			}
			dst[y * width + x] =
			    (unsigned char)((sum + count / 2) / count);
		}
	}
}
