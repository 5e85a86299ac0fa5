/*
 * wasm/blur: a box blur for the browser, compiled to WebAssembly
 * (reference solution).
 *
 * The window is clipped to the image, and the divisor is the number of
 * pixels the clipped window really holds.  Rather than adding up the whole
 * window for every pixel, it keeps running sums: colsum[x] holds the sum of
 * column x over the rows of the current window, updated by one row in and
 * one row out per line, and a sliding sum along the line adds one column
 * and drops one per pixel.  The work per pixel no longer grows with the
 * radius.
 *
 * There is no malloc here, so the column sums live in a static array; an
 * image wider than that takes the direct path, which needs no memory.
 */
#define MAX_WIDTH 4096

static unsigned colsum[MAX_WIDTH];

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static unsigned char mean(unsigned sum, unsigned count)
{
	return (unsigned char)((sum + count / 2) / count);
}

/* Sum every window directly: no scratch memory, any width. */
static void blur_direct(const unsigned char *src, unsigned char *dst, int width,
			int height, int radius)
{
	for (int y = 0; y < height; y++) {
		int y0 = clamp(y - radius, 0, height - 1);
		int y1 = clamp(y + radius, 0, height - 1);
		for (int x = 0; x < width; x++) {
			int x0 = clamp(x - radius, 0, width - 1);
			int x1 = clamp(x + radius, 0, width - 1);
			unsigned sum = 0;
			for (int sy = y0; sy <= y1; sy++)
				for (int sx = x0; sx <= x1; sx++)
					sum += src[sy * width + sx];
			dst[y * width + x] = mean(
			    sum, (unsigned)((x1 - x0 + 1) * (y1 - y0 + 1)));
		}
	}
}

void blur(const unsigned char *src, unsigned char *dst, int width, int height,
	  int radius)
{
	if (width <= 0 || height <= 0)
		return;
	if (width > MAX_WIDTH) {
		blur_direct(src, dst, width, height, radius);
		return;
	}
	/* The column sums for the window of row 0: rows 0 .. radius. */
	int last = clamp(radius, 0, height - 1);
	for (int x = 0; x < width; x++) {
		colsum[x] = 0;
		for (int sy = 0; sy <= last; sy++)
			colsum[x] += src[sy * width + x];
	}
	for (int y = 0; y < height; y++) {
		int y0 = clamp(y - radius, 0, height - 1);
		int y1 = clamp(y + radius, 0, height - 1);
		unsigned rows = (unsigned)(y1 - y0 + 1);
		/* The sliding sum for x = 0: columns 0 .. radius. */
		int x1 = clamp(radius, 0, width - 1);
		unsigned sum = 0;
		for (int sx = 0; sx <= x1; sx++)
			sum += colsum[sx];
		for (int x = 0; x < width; x++) {
			int x0 = clamp(x - radius, 0, width - 1);
			x1 = clamp(x + radius, 0, width - 1);
			dst[y * width + x] =
			    mean(sum, rows * (unsigned)(x1 - x0 + 1));
			/* Slide right: drop column x - radius, add x + radius
			 * + 1. */
			if (x - radius >= 0)
				sum -= colsum[x - radius];
			if (x + radius + 1 < width)
				sum += colsum[x + radius + 1];
		}
		/* Slide down: drop row y - radius, add row y + radius + 1. */
		for (int x = 0; x < width; x++) {
			if (y - radius >= 0)
				colsum[x] -= src[(y - radius) * width + x];
			if (y + radius + 1 < height)
				colsum[x] += src[(y + radius + 1) * width + x];
		}
	}
}
