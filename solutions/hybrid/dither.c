/*
 * hybrid/dither: a Python extension in C for the hot loop of an image tool
 * (reference solution).
 *
 * Every PyObject has a reference count, and C code must say who owns each
 * reference.  PyBytes_FromStringAndSize returns a new reference, owned by
 * this function; returning it hands that one reference to the caller.
 * Py_BuildValue("O", out) makes a second one and returns it, so the first
 * was never given back and the result could never be freed: every call
 * leaked a whole image.  (Py_BuildValue("N", out) passes the reference on
 * without adding one; returning out is simpler.)  The Py_buffer from "y*"
 * holds a reference to the input until PyBuffer_Release, which every path
 * calls.
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
	return out; /* our one reference, now the caller's */
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
