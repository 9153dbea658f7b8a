/* One pass over memory for the piecewise-linear activations and their derivatives.
 *
 * Every kernel reads x once and writes y once. Each is written twice from one definition: a
 * scalar form (the head and tail of every loop, and the whole loop on CPUs without AVX2) and
 * an 8-lane AVX2 form. Large out-of-place calls use streaming stores, which skip the read
 * that an ordinary store of a line not in cache costs (the "write-allocate"): that read is
 * why a ufunc loop tops out near half of memcpy's speed.
 *
 * The forms are the reference's (``_functional``) to the bit, NaN kept NaN:
 *
 *   relu      x > 0 ? x : (x is NaN ? x : 0)          relu'   x > 0 ? 1 : 0
 *   relu6     x > 0 ? min(x, 6) : (NaN ? x : 0)       relu6'  0 < x < 6 ? 1 : 0
 *   leaky     x > 0 ? x : a * x                       leaky'  x > 0 ? 1 : a
 *
 * in the reference's working dtype: float32 for float32, bfloat16 and float16 (converted
 * exactly, rounded back to nearest-even once), float64 for float64. No contraction
 * (-ffp-contract=off): a * x is one rounding, as NumPy computes it.
 *
 * run(op, dtype, x_address, y_address, n, param, stream) is called from _kernels_native.py
 * with addresses of contiguous buffers it owns; it releases the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_BUILD 1
#define AVX2 __attribute__((target("avx2,f16c")))
#else
#define HAVE_AVX2_BUILD 0
#endif

enum op { RELU, RELU6, LEAKY, RELU_D, RELU6_D, LEAKY_D, N_OPS };
static const char *OP_NAMES[N_OPS] = {"relu", "relu6", "leaky", "relu_derivative",
                                      "relu6_derivative", "leaky_derivative"};
enum dtype { F32, F64, BF16, F16, N_DTYPES };
static const char *DTYPE_NAMES[N_DTYPES] = {"float32", "float64", "bfloat16", "float16"};

/* ---- scalar forms, for T = float or double; a is the parameter in T ---- */
#define S_RELU(v, a) ((v) > 0 || (v) != (v) ? (v) : 0)
#define S_RELU6(v, a) ((v) > 0 ? ((v) < 6 ? (v) : 6) : ((v) != (v) ? (v) : 0))
#define S_LEAKY(v, a) ((v) > 0 ? (v) : (a) * (v))
#define S_RELU_D(v, a) ((v) > 0 ? 1 : 0)
#define S_RELU6_D(v, a) ((v) > 0 && (v) < 6 ? 1 : 0)
#define S_LEAKY_D(v, a) ((v) > 0 ? 1 : (a))

/* ---- bfloat16 <-> float32: exact widening; round to nearest even, NaN kept quiet NaN ---- */
static inline float bf16_to_f32(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline uint16_t f32_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if (f != f) return (uint16_t)((u >> 16) | 0x40);
    return (uint16_t)((u + 0x7FFF + ((u >> 16) & 1)) >> 16);
}

/* ---- scalar loops (every CPU) ---- */
#define SCALAR_LOOPS(OP, FORM)                                                                  \
    static void OP##_f32(const void *xv, void *yv, size_t n, double p) {                        \
        const float *x = xv; float *y = yv; const float a = (float)p; (void)a;                          \
        for (size_t i = 0; i < n; i++) { float v = x[i]; y[i] = FORM(v, a); }                  \
    }                                                                                           \
    static void OP##_f64(const void *xv, void *yv, size_t n, double p) {                        \
        const double *x = xv; double *y = yv; const double a = p; (void)a;                              \
        for (size_t i = 0; i < n; i++) { double v = x[i]; y[i] = FORM(v, a); }                 \
    }                                                                                           \
    static void OP##_bf16(const void *xv, void *yv, size_t n, double p) {                       \
        const uint16_t *x = xv; uint16_t *y = yv; const float a = (float)p; (void)a;                    \
        for (size_t i = 0; i < n; i++) { float v = bf16_to_f32(x[i]); y[i] = f32_to_bf16(FORM(v, a)); } \
    }

SCALAR_LOOPS(relu, S_RELU)
SCALAR_LOOPS(relu6, S_RELU6)
SCALAR_LOOPS(leaky, S_LEAKY)
SCALAR_LOOPS(relu_d, S_RELU_D)
SCALAR_LOOPS(relu6_d, S_RELU6_D)
SCALAR_LOOPS(leaky_d, S_LEAKY_D)

typedef void (*scalar_loop)(const void *, void *, size_t, double);
static const scalar_loop SCALAR[N_OPS][N_DTYPES] = {
    {relu_f32, relu_f64, relu_bf16, NULL},
    {relu6_f32, relu6_f64, relu6_bf16, NULL},
    {leaky_f32, leaky_f64, leaky_bf16, NULL},
    {relu_d_f32, relu_d_f64, relu_d_bf16, NULL},
    {relu6_d_f32, relu6_d_f64, relu6_d_bf16, NULL},
    {leaky_d_f32, leaky_d_f64, leaky_d_bf16, NULL},
};

#if HAVE_AVX2_BUILD
/* ---- AVX2 forms: V is __m256 (ps) or __m256d (pd); a is the parameter broadcast ---- */
#define V_FORMS(S, V)                                                                           \
    AVX2 static inline V v_relu_##S(V x, V a) {                                                 \
        V keep = _mm256_or_##S(_mm256_cmp_##S(x, _mm256_setzero_##S(), _CMP_GT_OQ),            \
                               _mm256_cmp_##S(x, x, _CMP_UNORD_Q));                             \
        return _mm256_and_##S(x, keep);                                                         \
    }                                                                                           \
    AVX2 static inline V v_relu6_##S(V x, V a) {                                                \
        V pos = _mm256_cmp_##S(x, _mm256_setzero_##S(), _CMP_GT_OQ);                            \
        V capped = _mm256_min_##S(x, _mm256_set1_##S(6)); /* x < 6 ? x : 6, for x > 0 */        \
        return _mm256_or_##S(_mm256_and_##S(pos, capped),                                      \
                             _mm256_and_##S(_mm256_cmp_##S(x, x, _CMP_UNORD_Q), x));           \
    }                                                                                           \
    AVX2 static inline V v_leaky_##S(V x, V a) {                                                \
        V pos = _mm256_cmp_##S(x, _mm256_setzero_##S(), _CMP_GT_OQ);                            \
        return _mm256_blendv_##S(_mm256_mul_##S(a, x), x, pos);                                \
    }                                                                                           \
    AVX2 static inline V v_relu_d_##S(V x, V a) {                                               \
        V pos = _mm256_cmp_##S(x, _mm256_setzero_##S(), _CMP_GT_OQ);                            \
        return _mm256_and_##S(pos, _mm256_set1_##S(1));                                        \
    }                                                                                           \
    AVX2 static inline V v_relu6_d_##S(V x, V a) {                                              \
        V in = _mm256_and_##S(_mm256_cmp_##S(x, _mm256_setzero_##S(), _CMP_GT_OQ),             \
                              _mm256_cmp_##S(x, _mm256_set1_##S(6), _CMP_LT_OQ));               \
        return _mm256_and_##S(in, _mm256_set1_##S(1));                                         \
    }                                                                                           \
    AVX2 static inline V v_leaky_d_##S(V x, V a) {                                              \
        V pos = _mm256_cmp_##S(x, _mm256_setzero_##S(), _CMP_GT_OQ);                            \
        return _mm256_blendv_##S(a, _mm256_set1_##S(1), pos);                                  \
    }

V_FORMS(ps, __m256)
V_FORMS(pd, __m256d)

AVX2 static inline __m256 v_bf16_to_f32(__m128i b) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(b), 16));
}

AVX2 static inline __m128i v_f32_to_bf16(__m256 f) {
    __m256i u = _mm256_castps_si256(f);
    __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(odd, _mm256_set1_epi32(0x7FFF))), 16);
    __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
    __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(f, f, _CMP_UNORD_Q));
    __m256i r = _mm256_blendv_epi8(rounded, quiet, nan);
    __m256i packed = _mm256_packus_epi32(r, r); /* every lane is <= 0xFFFF, so nothing saturates */
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(packed, 0x08));
}

AVX2 static inline __m256 v_f16_to_f32(__m128i h) { return _mm256_cvtph_ps(h); }
AVX2 static inline __m128i v_f32_to_f16(__m256 f) { return _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT); }
AVX2 static inline float f16_to_f32(uint16_t h) { return _cvtsh_ss(h); }
AVX2 static inline uint16_t f32_to_f16(float f) { return (uint16_t)_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT); }

/* Scalar until y is 32-byte aligned (streaming stores need it), vectors, then the scalar tail. */
#define AVX2_LOOPS(OP, FORM)                                                                    \
    AVX2 static void OP##_f32_avx2(const void *xv, void *yv, size_t n, double p, int stream) { \
        const float *x = xv; float *y = yv; const float a = (float)p; (void)a;                          \
        const __m256 va = _mm256_set1_ps(a); size_t i = 0;                                      \
        for (; stream && i < n && ((uintptr_t)(y + i) & 31); i++) { float v = x[i]; y[i] = FORM(v, a); } \
        if (stream) for (; i + 8 <= n; i += 8) _mm256_stream_ps(y + i, v_##OP##_ps(_mm256_loadu_ps(x + i), va)); \
        else for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, v_##OP##_ps(_mm256_loadu_ps(x + i), va)); \
        for (; i < n; i++) { float v = x[i]; y[i] = FORM(v, a); }                               \
    }                                                                                           \
    AVX2 static void OP##_f64_avx2(const void *xv, void *yv, size_t n, double p, int stream) { \
        const double *x = xv; double *y = yv; const double a = p; (void)a;                              \
        const __m256d va = _mm256_set1_pd(a); size_t i = 0;                                     \
        for (; stream && i < n && ((uintptr_t)(y + i) & 31); i++) { double v = x[i]; y[i] = FORM(v, a); } \
        if (stream) for (; i + 4 <= n; i += 4) _mm256_stream_pd(y + i, v_##OP##_pd(_mm256_loadu_pd(x + i), va)); \
        else for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, v_##OP##_pd(_mm256_loadu_pd(x + i), va)); \
        for (; i < n; i++) { double v = x[i]; y[i] = FORM(v, a); }                              \
    }                                                                                           \
    HALF_LOOP(OP, FORM, bf16)                                                                   \
    HALF_LOOP(OP, FORM, f16)

#define HALF_LOOP(OP, FORM, H)                                                                  \
    AVX2 static void OP##_##H##_avx2(const void *xv, void *yv, size_t n, double p, int stream) { \
        const uint16_t *x = xv; uint16_t *y = yv; const float a = (float)p; (void)a;                    \
        const __m256 va = _mm256_set1_ps(a); size_t i = 0;                                      \
        for (; stream && i < n && ((uintptr_t)(y + i) & 15); i++) {                             \
            float v = H##_to_f32(x[i]); y[i] = f32_to_##H(FORM(v, a));                          \
        }                                                                                       \
        for (; i + 8 <= n; i += 8) {                                                            \
            __m256 v = v_##H##_to_f32(_mm_loadu_si128((const __m128i *)(x + i)));               \
            __m128i r = v_f32_to_##H(v_##OP##_ps(v, va));                                      \
            if (stream) _mm_stream_si128((__m128i *)(y + i), r);                                \
            else _mm_storeu_si128((__m128i *)(y + i), r);                                       \
        }                                                                                       \
        for (; i < n; i++) { float v = H##_to_f32(x[i]); y[i] = f32_to_##H(FORM(v, a)); }      \
    }

AVX2_LOOPS(relu, S_RELU)
AVX2_LOOPS(relu6, S_RELU6)
AVX2_LOOPS(leaky, S_LEAKY)
AVX2_LOOPS(relu_d, S_RELU_D)
AVX2_LOOPS(relu6_d, S_RELU6_D)
AVX2_LOOPS(leaky_d, S_LEAKY_D)

typedef void (*avx2_loop)(const void *, void *, size_t, double, int);
#define AVX2_ROW(OP) {OP##_f32_avx2, OP##_f64_avx2, OP##_bf16_avx2, OP##_f16_avx2}
static const avx2_loop AVX2_TABLE[N_OPS][N_DTYPES] = {
    AVX2_ROW(relu), AVX2_ROW(relu6), AVX2_ROW(leaky),
    AVX2_ROW(relu_d), AVX2_ROW(relu6_d), AVX2_ROW(leaky_d),
};
#endif

static int has_avx2 = 0;

static PyObject *run(PyObject *self, PyObject *args) {
    int op, dtype, stream;
    Py_ssize_t x, y, n;
    double param;
    if (!PyArg_ParseTuple(args, "iinnndp", &op, &dtype, &x, &y, &n, &param, &stream)) return NULL;
    if (op < 0 || op >= N_OPS || dtype < 0 || dtype >= N_DTYPES || n < 0) {
        PyErr_Format(PyExc_ValueError, "rectifiers._native.run: no kernel for op %d, dtype %d, n %zd",
                     op, dtype, n);
        return NULL;
    }
#if HAVE_AVX2_BUILD
    if (has_avx2) {
        avx2_loop loop = AVX2_TABLE[op][dtype];
        Py_BEGIN_ALLOW_THREADS
        loop((const void *)x, (void *)y, (size_t)n, param, stream);
        if (stream) _mm_sfence();
        Py_END_ALLOW_THREADS
        Py_RETURN_NONE;
    }
#endif
    scalar_loop loop = SCALAR[op][dtype];
    if (loop == NULL) {
        PyErr_Format(PyExc_ValueError, "rectifiers._native.run: %s has no kernel without AVX2/F16C",
                     DTYPE_NAMES[dtype]);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    loop((const void *)x, (void *)y, (size_t)n, param);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"run", run, METH_VARARGS,
     "run(op, dtype, x_address, y_address, n, param, stream): y[:n] = op(x[:n]) over raw contiguous buffers."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", "One-pass kernels (see _native.c).", -1,
                                    methods};

static PyObject *names(const char **items, int count) {
    PyObject *tuple = PyTuple_New(count);
    for (int i = 0; tuple != NULL && i < count; i++) PyTuple_SET_ITEM(tuple, i, PyUnicode_FromString(items[i]));
    return tuple;
}

PyMODINIT_FUNC PyInit__native(void) {
#if HAVE_AVX2_BUILD
    __builtin_cpu_init();
    has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
#endif
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    const int dtypes = has_avx2 ? N_DTYPES : F16; /* float16 needs F16C */
    if (PyModule_AddObject(m, "OPS", names(OP_NAMES, N_OPS)) < 0 ||
        PyModule_AddObject(m, "DTYPES", names(DTYPE_NAMES, dtypes)) < 0 ||
        PyModule_AddIntConstant(m, "SIMD", has_avx2) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
