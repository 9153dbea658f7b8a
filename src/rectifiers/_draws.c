/* Counter-based uniform draws: rrelu's training slopes from (seed, index), in one pass.
 *
 * The i-th draw is SplitMix64's i-th output for the seed (Steele, Lea and Flood, "Fast
 * splittable pseudorandom number generators", OOPSLA 2014): the state seed + (i + 1) * gamma,
 * gamma = 2^64 / the golden ratio, through its 64-bit finaliser. Its top 24 bits / 2^24 are
 * u_i in [0, 1), and the slope is lower + (upper - lower) * u_i, in float64, rounded once to
 * float32. A draw depends on nothing but (seed, i), so a backward pass computes the forward's
 * slopes again at the cost of a hash per element, where a sequential generator (torch's
 * Mersenne Twister) must replay its whole stream and keep it in a tensor.
 *
 * noise(positive, out, seed, lower, upper): out[i] = 1 where positive[i] (a bool buffer of the
 * same length, or None: every element drawn), else the i-th slope; out is a float32 buffer.
 * It releases the GIL while it runs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static inline uint64_t splitmix64(uint64_t state) {
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static const uint64_t GAMMA = 0x9E3779B97F4A7C15ULL;

/* Each element's draw is computed whether or not it is kept, so the loop has no branch on the
 * data (a mispredicted one per element cost 8x here) and the compiler can vectorise it; the
 * AVX-512 clone (vpmullq: 64-bit lanes multiplied) is picked at load time where the CPU has it. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "default")))
#else
#define CLONES
#endif

CLONES static void fill_all(float *out, size_t n, uint64_t seed, double lower, double width) {
    for (size_t i = 0; i < n; i++) {
        const uint64_t state = seed + (uint64_t)(i + 1) * GAMMA;
        out[i] = (float)(lower + width * ((double)(int32_t)(splitmix64(state) >> 40) * 0x1p-24));
    }
}

/* The draws, then the 1s over them, a block at a time (a block stays in the L1 cache): two
 * loops the compiler vectorises, where one with a select on a byte per element did not. */
CLONES static void fill(const uint8_t *positive, float *out, size_t n, uint64_t seed, double lower,
                        double width) {
    const size_t block = 4096;
    for (size_t start = 0; start < n; start += block) {
        const size_t count = n - start < block ? n - start : block;
        fill_all(out + start, count, seed + (uint64_t)start * GAMMA, lower, width);
        for (size_t i = start; i < start + count; i++) out[i] = positive[i] ? 1.0f : out[i];
    }
}

static PyObject *noise(PyObject *self, PyObject *args) {
    PyObject *positive_object;
    Py_buffer out, positive = {0};
    unsigned long long seed;
    double lower, upper;
    if (!PyArg_ParseTuple(args, "Ow*Kdd", &positive_object, &out, &seed, &lower, &upper)) return NULL;
    const int masked = positive_object != Py_None;
    if (masked && PyObject_GetBuffer(positive_object, &positive, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&out);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = out.len / (Py_ssize_t)sizeof(float);
    if (out.len % (Py_ssize_t)sizeof(float) || (uintptr_t)out.buf % sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "rectifiers._draws_native.noise: out must be an aligned float32 buffer");
    } else if (masked && positive.len != n) {
        PyErr_Format(PyExc_ValueError,
                     "rectifiers._draws_native.noise: positive must hold one byte per element of out "
                     "(%zd). Received: %zd bytes", n, positive.len);
    } else {
        Py_BEGIN_ALLOW_THREADS
        if (masked) fill(positive.buf, out.buf, (size_t)n, (uint64_t)seed, lower, upper - lower);
        else fill_all(out.buf, (size_t)n, (uint64_t)seed, lower, upper - lower);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    if (masked) PyBuffer_Release(&positive);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"noise", noise, METH_VARARGS,
     "noise(positive, out, seed, lower, upper): out[i] = 1 where positive[i], else the i-th "
     "counter-based draw from U[lower, upper) (float32 out; positive: bool buffer or None)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_draws_native",
                                    "Counter-based draws (see _draws.c).", -1, methods};

PyMODINIT_FUNC PyInit__draws_native(void) { return PyModule_Create(&module); }
