/* The doctor's per-batch tallies of a float32 batch in one read of its memory.
 *
 * The batch is read as (rows, units, inner): inner = 1 for a dense or channels-last layout,
 * the spatial size for a channels-first convolution. Per unit j, over every row and inner
 * position, it adds to the caller's float64 arrays
 *
 *   positive[j]   += #{a > 0}                      (NaN is not > 0)
 *   magnitude[j]  += sum |a|                       (in float64; a NaN makes it NaN)
 *   responsive[j] += #{low < a < high}             (saturating activations' flat regions out;
 *                                                  untouched when low = -inf and high = inf)
 *
 * and returns #{a == 0} for the layer (-0.0 == 0; NaN is not 0). NumPy needs one pass per
 * count over the values (a comparison into bools, then a sum of the bools); this is one pass
 * for all of them, which is what keeps the doctor's share of a training step small.
 *
 * tally(x, rows, units, inner, low, high, positive, magnitude, responsive) -> zeros, with x a
 * C-contiguous float32 buffer of rows * units * inner values and the three outputs float64
 * buffers of units values; it releases the GIL while it runs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_BUILD 1
#define AVX2 __attribute__((target("avx2")))
#else
#define HAVE_AVX2_BUILD 0
#endif

static int has_avx2 = 0;

typedef struct {
    int64_t positive, zeros, responsive;
    double magnitude;
} counts;

/* One contiguous run of n values of one unit, scalar. */
static void run_scalar(const float *x, size_t n, float low, float high, int bounded, counts *c) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        c->positive += v > 0;
        c->zeros += v == 0;
        if (bounded) c->responsive += v > low && v < high;
        c->magnitude += fabs((double)v);
    }
}

#if HAVE_AVX2_BUILD
/* The same, 8 lanes at a time. Counts go to 32-bit lane counters, flushed before they could
 * overflow; |a| is summed in float32 over 32 steps (256 values), then added in float64 (a
 * relative error below 2e-6, against 6e-8 per value). ``bounded`` is a constant at each call
 * below, so the unbounded form (the rectifiers) does no interval test. */
static inline __attribute__((always_inline)) AVX2 void run_lanes(const float *x, size_t n, float low,
                                                                 float high, int bounded, counts *c) {
    const __m256 zero = _mm256_setzero_ps(), lo = _mm256_set1_ps(low), hi = _mm256_set1_ps(high);
    const __m256 no_sign = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256d sum_low = _mm256_setzero_pd(), sum_high = _mm256_setzero_pd();
    size_t i = 0;
    while (i + 8 <= n) {
        __m256i positive = _mm256_setzero_si256(), zeros = positive, responsive = positive;
        size_t end = n - (n - i) % 8, block = i + ((size_t)1 << 30);
        if (end > block) end = block;
        while (i < end) {
            __m256 partial = _mm256_setzero_ps();
            size_t stop = end - i > 256 ? i + 256 : end;
            for (; i < stop; i += 8) {
                __m256 v = _mm256_loadu_ps(x + i);
                /* a true comparison is all ones, -1 as an int: subtracting it counts */
                positive = _mm256_sub_epi32(positive, _mm256_castps_si256(_mm256_cmp_ps(v, zero, _CMP_GT_OQ)));
                zeros = _mm256_sub_epi32(zeros, _mm256_castps_si256(_mm256_cmp_ps(v, zero, _CMP_EQ_OQ)));
                if (bounded) {
                    __m256 in = _mm256_and_ps(_mm256_cmp_ps(v, lo, _CMP_GT_OQ), _mm256_cmp_ps(v, hi, _CMP_LT_OQ));
                    responsive = _mm256_sub_epi32(responsive, _mm256_castps_si256(in));
                }
                partial = _mm256_add_ps(partial, _mm256_and_ps(v, no_sign));
            }
            sum_low = _mm256_add_pd(sum_low, _mm256_cvtps_pd(_mm256_castps256_ps128(partial)));
            sum_high = _mm256_add_pd(sum_high, _mm256_cvtps_pd(_mm256_extractf128_ps(partial, 1)));
        }
        int32_t lanes[3][8];
        _mm256_storeu_si256((__m256i *)lanes[0], positive);
        _mm256_storeu_si256((__m256i *)lanes[1], zeros);
        _mm256_storeu_si256((__m256i *)lanes[2], responsive);
        for (int k = 0; k < 8; k++) {
            c->positive += (uint32_t)lanes[0][k];
            c->zeros += (uint32_t)lanes[1][k];
            c->responsive += (uint32_t)lanes[2][k];
        }
    }
    double sums[8];
    _mm256_storeu_pd(sums, sum_low);
    _mm256_storeu_pd(sums + 4, sum_high);
    for (int k = 0; k < 8; k++) c->magnitude += sums[k];
    run_scalar(x + i, n - i, low, high, bounded, c);
}

AVX2 static void run_avx2(const float *x, size_t n, float low, float high, int bounded, counts *c) {
    if (bounded) {
        run_lanes(x, n, low, high, 1, c);
    } else {
        run_lanes(x, n, low, high, 0, c);
    }
}
#endif

static void run_values(const float *x, size_t n, float low, float high, int bounded, counts *c) {
#if HAVE_AVX2_BUILD
    if (has_avx2 && n >= 8) {
        run_avx2(x, n, low, high, bounded, c);
        return;
    }
#endif
    run_scalar(x, n, low, high, bounded, c);
}

/* inner > 1: every (row, unit) is one contiguous run. */
static int64_t tally_runs(const float *x, size_t rows, size_t units, size_t inner, float low, float high,
                          int bounded, double *positive, double *magnitude, double *responsive) {
    int64_t zeros = 0;
    for (size_t r = 0; r < rows; r++) {
        for (size_t j = 0; j < units; j++) {
            counts c = {0, 0, 0, 0.0};
            run_values(x + (r * units + j) * inner, inner, low, high, bounded, &c);
            positive[j] += (double)c.positive;
            magnitude[j] += c.magnitude;
            responsive[j] += (double)c.responsive;
            zeros += c.zeros;
        }
    }
    return zeros;
}

/* inner == 1: a row holds one value of every unit; the unit loop is elementwise. */
#define TALLY_ROWS(NAME, TARGET)                                                                       \
    TARGET static int64_t NAME(const float *restrict x, size_t rows, size_t units, float low, float high, \
                               int bounded, double *restrict positive, double *restrict magnitude,                  \
                               double *restrict responsive) {                                          \
        int64_t zeros = 0;                                                                             \
        for (size_t r = 0; r < rows; r++) {                                                            \
            const float *restrict row = x + r * units;                                                 \
            for (size_t j = 0; j < units; j++) {                                                       \
                float v = row[j];                                                                      \
                positive[j] += v > 0 ? 1.0 : 0.0;                                                      \
                magnitude[j] += fabs((double)v);                                                       \
                if (bounded) responsive[j] += v > low && v < high ? 1.0 : 0.0;                         \
                zeros += v == 0;                                                                       \
            }                                                                                          \
        }                                                                                              \
        return zeros;                                                                                  \
    }
TALLY_ROWS(tally_rows_scalar, )
#if HAVE_AVX2_BUILD
TALLY_ROWS(tally_rows_avx2, AVX2)
#endif

static int check(Py_buffer *b, const char *what, Py_ssize_t bytes) {
    if (b->len != bytes) {
        PyErr_Format(PyExc_ValueError, "rectifiers.doctor._tally_native.tally: %s holds %zd bytes, expected %zd",
                     what, b->len, bytes);
        return 0;
    }
    return 1;
}

static PyObject *tally(PyObject *self, PyObject *args) {
    Py_buffer x, positive, magnitude, responsive;
    Py_ssize_t rows, units, inner;
    float low, high;
    if (!PyArg_ParseTuple(args, "y*nnnffw*w*w*", &x, &rows, &units, &inner, &low, &high, &positive, &magnitude,
                          &responsive))
        return NULL;
    PyObject *result = NULL;
    if (rows >= 0 && units > 0 && inner > 0 && check(&x, "x", rows * units * inner * 4) &&
        check(&positive, "positive", units * 8) && check(&magnitude, "magnitude", units * 8) &&
        check(&responsive, "responsive", units * 8)) {
        int64_t zeros;
        const int bounded = !(low == -INFINITY && high == INFINITY);
        Py_BEGIN_ALLOW_THREADS
        if (inner > 1) {
            zeros = tally_runs(x.buf, rows, units, inner, low, high, bounded, positive.buf, magnitude.buf,
                               responsive.buf);
#if HAVE_AVX2_BUILD
        } else if (has_avx2) {
            zeros = tally_rows_avx2(x.buf, rows, units, low, high, bounded, positive.buf, magnitude.buf, responsive.buf);
#endif
        } else {
            zeros = tally_rows_scalar(x.buf, rows, units, low, high, bounded, positive.buf, magnitude.buf, responsive.buf);
        }
        Py_END_ALLOW_THREADS
        result = PyLong_FromLongLong(zeros);
    } else if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_ValueError, "rectifiers.doctor._tally_native.tally: bad shape (%zd, %zd, %zd)", rows,
                     units, inner);
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&positive);
    PyBuffer_Release(&magnitude);
    PyBuffer_Release(&responsive);
    return result;
}

static PyMethodDef methods[] = {
    {"tally", tally, METH_VARARGS,
     "tally(x, rows, units, inner, low, high, positive, magnitude, responsive) -> zeros (see _tally.c)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tally_native", "The doctor's one-pass tallies.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__tally_native(void) {
#if HAVE_AVX2_BUILD
    __builtin_cpu_init();
    has_avx2 = __builtin_cpu_supports("avx2");
#endif
    return PyModule_Create(&module);
}
