/*
 * hybrid/dither: a Python extension in C for the hot loop of an image tool
 *
 * A Python program prepares images for a black-and-white e-paper display.
 * Everything is Python except one loop, error-diffusion dithering, which
 * visits every pixel in order and cannot be vectorised: each pixel depends
 * on the one before it.  In pure Python it takes seconds per image.  So it
 * moves into a C extension module, the pattern PyO3 follows in Rust:
 *
 *     import pixels
 *     out = pixels.dither(gray, width)   # bytes in, bytes out
 *
 * pixels.dither(data, width) takes a grayscale image, one byte per pixel,
 * rows of `width` pixels one after the other (the last row may be short),
 * and returns a new bytes object of the same length holding only 0 and
 * 255.  Each row starts with err = 0; then for each pixel in the row:
 *     v = pixel + err;  out = v >= 128 ? 255 : 0;  err = v - out;
 * The contract:
 *   - data is anything with the buffer protocol: bytes, bytearray,
 *     memoryview; width must be positive (else ValueError);
 *   - the result belongs to the caller, and nothing else is kept: after
 *     the call, no reference to the result or the input is left behind;
 *   - the lesson's script checks it against a pure-Python version and
 *     wants it at least 10 times as fast.
 *
 * The dithering is right.  Something about the references is not: run it
 * in a loop and watch the memory.
 *
 * Build it by hand:  gcc -O2 -shared -fPIC $(python3-config --includes) \
 *                        -o pixels.so dither.c
 * Check your work:   workbook check hybrid/dither
 * Stuck?             workbook hint hybrid/dither
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static void dither_rows(const unsigned char *in, unsigned char *out,
			Py_ssize_t len, Py_ssize_t width)
{
	for (Py_ssize_t row = 0; row < len; row += width) {
		Py_ssize_t end = len - row < width ? len : row + width;
		int err = 0;
		for (Py_ssize_t i = row; i < end; i++) {
			int v = in[i] + err;
			int o = v >= 128 ? 255 : 0;
			out[i] = (unsigned char)o;
			err = v - o;
		}
	}
}

static PyObject *dither(PyObject *self, PyObject *args)
{
	Py_buffer in;
	Py_ssize_t width;
	PyObject *out;

	(void)self;
	if (!PyArg_ParseTuple(args, "y*n", &in, &width))
		return NULL;
	if (width <= 0) {
		PyBuffer_Release(&in);
		PyErr_SetString(PyExc_ValueError, "width must be positive");
		return NULL;
	}
	out = PyBytes_FromStringAndSize(NULL, in.len);
	if (out == NULL) {
		PyBuffer_Release(&in);
		return NULL;
	}
	dither_rows(in.buf, (unsigned char *)PyBytes_AS_STRING(out), in.len,
		    width);
	PyBuffer_Release(&in);
	return Py_BuildValue("O", out); /* hand the result to Python */
}

static PyMethodDef methods[] = {
    {"dither", dither, METH_VARARGS,
     "dither(data, width) -> bytes of 0 and 255"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pixels",
    .m_doc = "Pixel loops in C for a Python image tool.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit_pixels(void);

PyMODINIT_FUNC PyInit_pixels(void)
{
	return PyModule_Create(&module);
}
