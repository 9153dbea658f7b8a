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
 * run(op, dtype, x, y, param, stream) takes x and y as contiguous buffers of one length (y
 * writable), each aligned to its element size (refused otherwise: the caller copies), is called
 * from _compiled.py, and releases the GIL while it runs. Every loop advances by at least one
 * element per step: the scalar head that aligns y for streaming ends within 32 bytes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_BUILD 1
#define AVX2 __attribute__((target("avx2,f16c")))
#define STORE_FENCE(stream) if (stream) _mm_sfence() /* streaming stores are weakly ordered */
#else
#define HAVE_AVX2_BUILD 0
#define STORE_FENCE(stream) (void)(stream)
#endif

typedef void (*vector_loop)(const void *, void *, size_t, double, int stream);

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
#define WIDE_LOOPS(OP, FORM)                                                                    \
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
    }

#define AVX2_LOOPS(OP, FORM) WIDE_LOOPS(OP, FORM) HALF_LOOP(OP, FORM, bf16) HALF_LOOP(OP, FORM, f16)

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

/* relu on a 16-bit float's bit pattern, 16 lanes at a time with no conversion. Read as int16,
 * the negative non-NaN floats (-0.0 down to -inf) are exactly the values <= the pattern of
 * -inf: they become +0.0. Every other pattern, NaN included, is kept. */
#define RELU_BITS(H, NEGATIVE_INFINITY)                                                         \
    AVX2 static void relu_##H##_avx2(const void *xv, void *yv, size_t n, double p, int stream) { \
        const int16_t *x = xv; int16_t *y = yv; size_t i = 0;                                   \
        const __m256i limit = _mm256_set1_epi16(NEGATIVE_INFINITY);                             \
        for (; stream && i < n && ((uintptr_t)(y + i) & 31); i++) y[i] = x[i] > NEGATIVE_INFINITY ? x[i] : 0; \
        for (; i + 16 <= n; i += 16) {                                                          \
            __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));                           \
            __m256i r = _mm256_and_si256(v, _mm256_cmpgt_epi16(v, limit));                      \
            if (stream) _mm256_stream_si256((__m256i *)(y + i), r);                             \
            else _mm256_storeu_si256((__m256i *)(y + i), r);                                    \
        }                                                                                       \
        for (; i < n; i++) y[i] = x[i] > NEGATIVE_INFINITY ? x[i] : 0;                          \
    }

WIDE_LOOPS(relu, S_RELU)
RELU_BITS(bf16, -128)  /* 0xFF80 */
RELU_BITS(f16, -1024)  /* 0xFC00 */
AVX2_LOOPS(relu6, S_RELU6)
AVX2_LOOPS(leaky, S_LEAKY)
AVX2_LOOPS(relu_d, S_RELU_D)
AVX2_LOOPS(relu6_d, S_RELU6_D)
AVX2_LOOPS(leaky_d, S_LEAKY_D)

#define AVX2_ROW(OP) {OP##_f32_avx2, OP##_f64_avx2, OP##_bf16_avx2, OP##_f16_avx2}
static const vector_loop AVX2_TABLE[N_OPS][N_DTYPES] = {
    AVX2_ROW(relu), AVX2_ROW(relu6), AVX2_ROW(leaky),
    AVX2_ROW(relu_d), AVX2_ROW(relu6_d), AVX2_ROW(leaky_d),
};
#endif

static const Py_ssize_t ITEMSIZE[N_DTYPES] = {4, 8, 2, 2};

/* x and y as contiguous buffers of equal length (y writable), and their element count. */
static int elements(Py_buffer *x, Py_buffer *y, int dtype, Py_ssize_t *n) {
    if (x->len != y->len || x->len % ITEMSIZE[dtype] != 0) {
        PyErr_Format(PyExc_ValueError, "rectifiers._native: x and y must hold the same whole number of %s "
                     "elements. Received: %zd and %zd bytes", DTYPE_NAMES[dtype], x->len, y->len);
        return 0;
    }
    if ((uintptr_t)x->buf % ITEMSIZE[dtype] || (uintptr_t)y->buf % ITEMSIZE[dtype]) {
        /* a misaligned element is undefined behaviour in C, and streaming could never align y */
        PyErr_Format(PyExc_ValueError, "rectifiers._native: x and y must be aligned to their %zd-byte "
                     "elements. Received: addresses %p and %p", ITEMSIZE[dtype], x->buf, y->buf);
        return 0;
    }
    *n = x->len / ITEMSIZE[dtype];
    return 1;
}

static int has_avx2 = 0;

/* ---- the exp family on float32: elu, selu, sigmoid, tanh and their derivatives ----
 *
 * The reference computes these in float64 (libm's exp, expm1, tanh) and rounds once to
 * float32:
 *
 *   elu      x > 0 ? b x : a expm1(x)          (elu: a = alpha, b = 1; selu: a = scale alpha, b = scale)
 *   elu'     x > 0 ? b   : a exp(x)
 *   sigmoid  e = exp(-|x|);  x >= 0 ? 1 / (1 + e) : e / (1 + e)      sigmoid'  e / (1 + e)^2
 *   tanh     sign(x) (-m / (2 + m)), m = expm1(-2|x|)                tanh'  (2e / (1 + e^2))^2
 *
 * Here x = k ln2/16 + r with k the integer nearest 16 x / ln2 and |r| <= ln2/32 (Cody-Waite
 * with FMA: ln2/16 in two parts, r exact to far below an ulp), expm1(r) = p is a degree-7
 * Taylor polynomial (truncation |r|^8 / 8! < 2^-59; Estrin's scheme), and with
 * S = 2^(k/16) = 2^floor(k/16) T[k mod 16] (T: a table of 16 correctly rounded values, the
 * power of 2 exact), exp is S (p + 1) and expm1 is S p + (S - 1), each one FMA. With
 * u = 2^-53: exp is within 4 u relative (T's rounding, the polynomial's, the FMA's); expm1 the
 * same where k = 0 (S = 1: it is p), and within 64 u elsewhere, where |expm1| >= 1 - 2^-1/32
 * (T's rounding, relative to S ~ 1, over a result of at least 0.0214: 24 u, plus the rest).
 * Each result t is then within 2^-46 of the true value, and the reference's within a few u
 * (libm; its forms have no cancellation; the quotients are IEEE divisions in both). So the
 * two differ by far less than 2^-40 relative. Where t (1 - 2^-40) and t (1 + 2^-40)
 * round to the same float32, the reference rounds to it too: that is the result. Elsewhere
 * (for elu, a few thousand of the 2^32 float32 inputs) the lane is reported and left holding
 * its x, and the caller recomputes it with the reference math from there (so y may be x: in
 * place). The result is the reference's to the bit by construction.
 *
 * The math is written once, in _exp_family.h, for any vector width; it is compiled twice
 * below, for AVX2 (4 float64 lanes, the fallback) and AVX-512 (8 lanes: 8 float32 in, one
 * __m512d), and the best the CPU has is chosen at import (select_isa switches, for the tests:
 * both give the same bits, lane for lane, as every step is an IEEE operation or exact). A
 * reciprocal estimate with Newton steps in place of the division was tried and is slower on
 * both (AMD Zen 4: the FMA pipes are the bottleneck, and the divider runs beside them).
 *
 * Range: expm1 is -1 in float64 below -40, so its input is clamped there. exp's input is
 * clamped at -200, where 2^k stays normal. Below that, a exp(x) with |a| < 1e30, sigmoid,
 * sigmoid' and tanh' are all far below float32's smallest subnormal, so they round to zero
 * with the right sign, as the clamped value does. For elu' with a larger |a|, those lanes are
 * reported as uncertain.
 */
enum exp_op { ELU, ELU_D, SIGMOID, SIGMOID_D, TANH, TANH_D, N_EXP_OPS };
static const char *EXP_OP_NAMES[N_EXP_OPS] = {"elu", "elu_derivative", "sigmoid", "sigmoid_derivative",
                                              "tanh", "tanh_derivative"};

typedef size_t (*exp_loop)(const float *, float *, size_t, double, double, int, int64_t *, size_t);
typedef size_t (*softmax_loop)(const float *, float *, size_t, size_t, double *, double, int, int64_t *, size_t);

#if HAVE_AVX2_BUILD
/* ---- the vocabulary of _exp_family.h, once per instruction set ---- */
#define FMA_AVX2 __attribute__((target("avx2,fma")))
/* 2^(j/16), j = 0..15, each correctly rounded (Python: float(Decimal(2) ** (Decimal(j) / 16))) */
static const double EXP2_16[16] = {
    0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
    0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
    0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
    0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0};

FMA_AVX2 static inline __m256d scale_avx2(__m256d v, __m256d f) { /* floor(f) + 1023 in the exponent field */
    const __m256i k64 = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(_mm256_floor_pd(f)));
    return _mm256_mul_pd(v, _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k64, _mm256_set1_epi64x(1023)), 52)));
}
FMA_AVX2 static inline __m256d exp2_16_avx2(__m256d s) {
    return _mm256_i64gather_pd(EXP2_16, _mm256_and_si256(_mm256_castpd_si256(s), _mm256_set1_epi64x(15)), 8);
}
FMA_AVX2 static inline double hsum_avx2(__m256d v) { /* ((v0 + v2) + (v1 + v3)) */
    const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

#define ISA(name) name##_avx2
#define TARGET FMA_AVX2
#define W 4
#define VD __m256d
#define VF __m128
#define FM __m128
#define D_SET1 _mm256_set1_pd
#define D_ADD _mm256_add_pd
#define D_SUB _mm256_sub_pd
#define D_MUL _mm256_mul_pd
#define D_FMA _mm256_fmadd_pd
#define D_FNMA _mm256_fnmadd_pd
#define D_MAX _mm256_max_pd
#define D_OR _mm256_or_pd
#define D_AND _mm256_and_pd
#define D_ROUND(x) _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define D_CMP _mm256_cmp_pd
#define D_SEL(m, a, b) _mm256_blendv_pd(a, b, m)
#define D_SCALE scale_avx2
#define D_EXP2_16 exp2_16_avx2
#define D_DIV _mm256_div_pd
#define D_LOADU _mm256_loadu_pd
#define D_STOREU _mm256_storeu_pd
#define D_HSUM hsum_avx2
#define D_TO_F _mm256_cvtpd_ps
#define F_TO_D _mm256_cvtps_pd
#define F_LOADU _mm_loadu_ps
#define F_STOREU _mm_storeu_ps
#define F_STREAM _mm_stream_ps
#define F_SET1 _mm_set1_ps
#define F_MAX _mm_max_ps
#define F_CMP _mm_cmp_ps
#define F_SEL(m, a, b) _mm_blendv_ps(a, b, m)
#define FM_OR _mm_or_ps
#define FM_BITS(m) ((unsigned)_mm_movemask_ps(m))
#include "_exp_family.h"
#undef ISA
#undef TARGET
#undef W
#undef VD
#undef VF
#undef FM
#undef D_SET1
#undef D_ADD
#undef D_SUB
#undef D_MUL
#undef D_FMA
#undef D_FNMA
#undef D_MAX
#undef D_OR
#undef D_AND
#undef D_ROUND
#undef D_CMP
#undef D_SEL
#undef D_SCALE
#undef D_EXP2_16
#undef D_DIV
#undef D_LOADU
#undef D_STOREU
#undef D_HSUM
#undef D_TO_F
#undef F_TO_D
#undef F_LOADU
#undef F_STOREU
#undef F_STREAM
#undef F_SET1
#undef F_MAX
#undef F_CMP
#undef F_SEL
#undef FM_OR
#undef FM_BITS

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,fma")))
AVX512 static inline double hsum_avx512(__m512d v) { /* a tree of depth 3 */
    const __m256d s = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd(v, 1));
    const __m128d t = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    return _mm_cvtsd_f64(_mm_add_sd(t, _mm_unpackhi_pd(t, t)));
}

#define ISA(name) name##_avx512
#define TARGET AVX512
#define W 8
#define VD __m512d
#define VF __m256
#define FM __mmask8
#define D_SET1 _mm512_set1_pd
#define D_ADD _mm512_add_pd
#define D_SUB _mm512_sub_pd
#define D_MUL _mm512_mul_pd
#define D_FMA _mm512_fmadd_pd
#define D_FNMA _mm512_fnmadd_pd
#define D_MAX _mm512_max_pd
#define D_OR _mm512_or_pd
#define D_AND _mm512_and_pd
#define D_ROUND(x) _mm512_roundscale_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define D_CMP _mm512_cmp_pd_mask
#define D_SEL(m, a, b) _mm512_mask_blend_pd(m, a, b)
#define D_SCALE _mm512_scalef_pd
#define D_EXP2_16(s) _mm512_permutex2var_pd(_mm512_loadu_pd(EXP2_16), _mm512_castpd_si512(s), _mm512_loadu_pd(EXP2_16 + 8))
#define D_DIV _mm512_div_pd
#define D_LOADU _mm512_loadu_pd
#define D_STOREU _mm512_storeu_pd
#define D_HSUM hsum_avx512
#define D_TO_F _mm512_cvtpd_ps
#define F_TO_D _mm512_cvtps_pd
#define F_LOADU _mm256_loadu_ps
#define F_STOREU _mm256_storeu_ps
#define F_STREAM _mm256_stream_ps
#define F_SET1 _mm256_set1_ps
#define F_MAX _mm256_max_ps
#define F_CMP _mm256_cmp_ps_mask
#define F_SEL(m, a, b) _mm256_mask_blend_ps(m, a, b)
#define FM_OR(a, b) ((__mmask8)((a) | (b)))
#define FM_BITS(m) ((unsigned)(m))
#include "_exp_family.h"
#endif

/* The instruction sets the exp family and softmax can run on, best last; `isa` is the one used. */
enum isa { ISA_AVX2, ISA_AVX512, N_ISAS };
static const char *ISA_NAMES[N_ISAS] = {"avx2", "avx512"};
static int n_isas = 0, isa = -1;
#if HAVE_AVX2_BUILD
static const exp_loop *ISA_EXP_LOOPS[N_ISAS] = {EXP_LOOPS_avx2, EXP_LOOPS_avx512};
static const softmax_loop ISA_SOFTMAX[N_ISAS] = {softmax_rows_avx2, softmax_rows_avx512};
#endif

static int has_fma = 0;

static PyObject *exp_family(PyObject *self, PyObject *args) {
    Py_buffer x, y, index;
    int op, stream;
    double a, b;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "iy*w*ddpw*", &op, &x, &y, &a, &b, &stream, &index)) return NULL;
    PyObject *result = NULL;
    if (isa < 0 || op < 0 || op >= N_EXP_OPS) {
        PyErr_Format(PyExc_ValueError, "rectifiers._native.exp_family: no kernel for op %d (it needs AVX2 and FMA)", op);
    } else if (elements(&x, &y, F32, &n)) {
#if HAVE_AVX2_BUILD
        size_t count;
        const exp_loop loop = ISA_EXP_LOOPS[isa][op];
        Py_BEGIN_ALLOW_THREADS
        count = loop(x.buf, y.buf, (size_t)n, a, b, stream, index.buf, (size_t)index.len / 8);
        STORE_FENCE(stream);
        Py_END_ALLOW_THREADS
        result = PyLong_FromSize_t(count);
#endif
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&y);
    PyBuffer_Release(&index);
    return result;
}

/* exp_family on raw addresses, for a caller that holds memory Python's buffer protocol cannot
 * see (a torch tensor: a NumPy view of it costs more than 64 values). No streaming, no index:
 * it returns how many lanes were uncertain, and then y is not complete (those lanes hold x),
 * so the caller must take the general path. The caller vouches for the addresses: n aligned
 * float32 values each, y not overlapping x. */
static PyObject *exp_family_at(PyObject *self, PyObject *args) {
    int op;
    unsigned long long x_address, y_address;
    Py_ssize_t n;
    double a, b;
    if (!PyArg_ParseTuple(args, "iKKndd", &op, &x_address, &y_address, &n, &a, &b)) return NULL;
    if (isa < 0 || op < 0 || op >= N_EXP_OPS || n < 0 || x_address % 4 || y_address % 4) {
        PyErr_Format(PyExc_ValueError,
                     "rectifiers._native.exp_family_at: no kernel for op %d, %zd values at 4-byte "
                     "aligned addresses (it needs AVX2 and FMA)", op, n);
        return NULL;
    }
    size_t count = 0;
#if HAVE_AVX2_BUILD
    count = ISA_EXP_LOOPS[isa][op]((const float *)(uintptr_t)x_address, (float *)(uintptr_t)y_address,
                                   (size_t)n, a, b, 0, NULL, 0);
#endif
    return PyLong_FromSize_t(count);
}

/* ---- softmax over the rows of a C-contiguous float32 array ----
 *
 * The reference (_softmax.softmax_math on float64, rounded once to float32) computes, per row
 * of n values, m = max x, e_i = exp(x_i - m) (NumPy's float64 exp), s = sum e_i (np.sum, which
 * sums a contiguous float64 row pairwise: blocks of up to 128 by 8 accumulators, halves above
 * that; tests/test_fast_softmax.py checks that order) and R_i = e_i / s. Here x_i - m is the
 * same float64 operation (the same bits), then the exp above (clamped at -200), the pairwise
 * sum of _exp_family.h, and t_i = e_i * (1 / s). With u = 2^-53 and L = ceil(log2 n), all
 * relative to the exact e_i / s (each e_i > 0, so a sum's error is relative to the sum):
 *
 *   the reference's exp               8 u     (NumPy's float64 exp: within 1 ulp of glibc's on
 *                                     900 000 samples in [-745, 0]; 8 allowed)
 *   its sum                           (25 + L) u   (at most 15 + 3 + 7 additions per term in
 *                                     a block of 128, one more per halving above it)
 *   its division                      1 u
 *   our exp                           4 u     (the exp family's bound, above)
 *   our sum                           (20 + L) u   (at most 16 + 2 + log2(W) additions per
 *                                     term in a block of 128, one more per halving)
 *   our 1 / s and the product         2 u
 *
 * so |t_i - R_i| <= (60 + 2 L) u t_i to first order (the second-order terms are below u for
 * any row that fits in memory). Lanes clamped at -200 add at most n e^-200 to s >= 1 (the
 * maximum gives exactly 1), far below u, and give t_i < 2^-288, which rounds to +0 as R_i
 * does. The window is twice that: delta = (120 + 4 L) u (2^-45.5 for rows of 4096). Where
 * t_i (1 - delta) and t_i (1 + delta) round to the same float32, so does R_i. A row with an
 * undecided lane, a NaN (s is NaN), or an infinite maximum (+inf, or every value -inf) is
 * reported, and the caller computes it with the reference.
 */
static double softmax_window(size_t n) {
    int log2n = 0;
    while (((size_t)1 << log2n) < n) log2n++;
    return (120.0 + 4.0 * log2n) * 0x1p-53;
}

static PyObject *softmax(PyObject *self, PyObject *args) {
    Py_buffer x, y, index;
    Py_ssize_t cols, n;
    int stream;
    if (!PyArg_ParseTuple(args, "y*w*npw*", &x, &y, &cols, &stream, &index)) return NULL;
    PyObject *result = NULL;
    if (isa < 0) {
        PyErr_SetString(PyExc_ValueError, "rectifiers._native.softmax: it needs AVX2 and FMA");
    } else if (elements(&x, &y, F32, &n)) {
        if (cols < 1 || n % cols) {
            PyErr_Format(PyExc_ValueError, "rectifiers._native.softmax: rows of %zd values cannot hold "
                         "%zd values", cols, n);
        } else {
#if HAVE_AVX2_BUILD
            const size_t padded = ((size_t)cols + 7) / 8 * 8;
            double *scratch = PyMem_RawMalloc(padded * sizeof(double));
            if (scratch == NULL) {
                PyErr_NoMemory();
            } else {
                size_t count;
                const softmax_loop loop = ISA_SOFTMAX[isa];
                const double window = softmax_window(padded);
                Py_BEGIN_ALLOW_THREADS
                count = loop(x.buf, y.buf, (size_t)(n / cols), (size_t)cols, scratch, window, stream, index.buf,
                             (size_t)index.len / 8);
                STORE_FENCE(stream);
                Py_END_ALLOW_THREADS
                PyMem_RawFree(scratch);
                result = PyLong_FromSize_t(count);
            }
#endif
        }
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&y);
    PyBuffer_Release(&index);
    return result;
}

/* select_isa(name) -> the previous name: which instruction set the exp family and softmax use
 * from now on, process-wide (the tests compare them; the best is chosen at import). */
static PyObject *select_isa(PyObject *self, PyObject *args) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    for (int k = 0; k < n_isas; k++) {
        if (strcmp(name, ISA_NAMES[k]) == 0) {
            const int previous = isa;
            isa = k;
            return PyUnicode_FromString(ISA_NAMES[previous]);
        }
    }
    PyErr_Format(PyExc_ValueError, "rectifiers._native.select_isa: no instruction set named %s on this "
                 "CPU. Accepted: %s%s", name, n_isas ? ISA_NAMES[0] : "(none)", n_isas > 1 ? ", avx512" : "");
    return NULL;
}

static PyObject *run(PyObject *self, PyObject *args) {
    int op, dtype, stream;
    Py_buffer x, y;
    double param;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "iiy*w*dp", &op, &dtype, &x, &y, &param, &stream)) return NULL;
    PyObject *result = NULL;
    if (op < 0 || op >= N_OPS || dtype < 0 || dtype >= N_DTYPES) {
        PyErr_Format(PyExc_ValueError, "rectifiers._native.run: no kernel for op %d, dtype %d", op, dtype);
    } else if (elements(&x, &y, dtype, &n)) {
        vector_loop vector = NULL;
#if HAVE_AVX2_BUILD
        if (has_avx2) vector = AVX2_TABLE[op][dtype];
#endif
        scalar_loop scalar = SCALAR[op][dtype];
        if (vector == NULL && scalar == NULL) {
            PyErr_Format(PyExc_ValueError, "rectifiers._native.run: %s needs AVX2 and F16C", DTYPE_NAMES[dtype]);
        } else {
            Py_BEGIN_ALLOW_THREADS
            if (vector != NULL) {
                vector(x.buf, y.buf, (size_t)n, param, stream);
                STORE_FENCE(stream);
            } else {
                scalar(x.buf, y.buf, (size_t)n, param);
            }
            Py_END_ALLOW_THREADS
            result = Py_NewRef(Py_None);
        }
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&y);
    return result;
}

/* ---- backward passes of the torch binding, float32, one pass each ----
 *
 *   window(g, t, out, lo, hi, slope)         out = lo < t < hi ? g : g * slope
 *   pack(x, packed, lo, hi)                  bit i % 8 of byte i / 8 = lo < x < hi
 *   unpack_backward(g, packed, out, slope)   out = bit i ? g : g * slope
 *
 * "lo < t < hi" with hi NaN means "lo < t" (t = +inf too). NaN is inside no window (the kink
 * rule: NaN is not > 0), and g * slope is one rounding (so
 * g * 0 keeps g's sign and gives NaN for an infinite g), as ATen's leaky_relu_backward computes
 * it: relu6's backward from its output is window(g, y, out, 0, 6, 0), two leaky_relu_backward
 * passes in one; the bit-mask mode packs the spec's mask of x and differentiates from it. The
 * packed tail's unused bits are 0.
 */
static inline int inside(float v, float lo, float hi) { return (v > lo) & !(v >= hi); } /* hi NaN: no bound */

static void window_scalar(const float *g, const float *t, float *out, size_t n, float lo, float hi, float slope) {
    for (size_t i = 0; i < n; i++) out[i] = inside(t[i], lo, hi) ? g[i] : g[i] * slope;
}

static void pack_scalar(const float *x, uint8_t *packed, size_t n, float lo, float hi) {
    for (size_t j = 0; j < (n + 7) / 8; j++) {
        unsigned byte = 0;
        for (size_t k = 0; k < 8 && 8 * j + k < n; k++) byte |= (unsigned)inside(x[8 * j + k], lo, hi) << k;
        packed[j] = (uint8_t)byte;
    }
}

static void unpack_scalar(const float *g, const uint8_t *packed, float *out, size_t n, float slope) {
    for (size_t i = 0; i < n; i++) out[i] = (packed[i >> 3] >> (i & 7) & 1) ? g[i] : g[i] * slope;
}

#if HAVE_AVX2_BUILD
AVX2 static void window_avx2(const float *g, const float *t, float *out, size_t n, float lo, float hi, float slope) {
    const __m256 l = _mm256_set1_ps(lo), h = _mm256_set1_ps(hi), s = _mm256_set1_ps(slope);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(t + i), gv = _mm256_loadu_ps(g + i);
        const __m256 in = _mm256_and_ps(_mm256_cmp_ps(v, l, _CMP_GT_OQ), _mm256_cmp_ps(v, h, _CMP_NGE_UQ));
        _mm256_storeu_ps(out + i, _mm256_blendv_ps(_mm256_mul_ps(gv, s), gv, in));
    }
    window_scalar(g + i, t + i, out + i, n - i, lo, hi, slope);
}

AVX2 static void pack_avx2(const float *x, uint8_t *packed, size_t n, float lo, float hi) {
    const __m256 l = _mm256_set1_ps(lo), h = _mm256_set1_ps(hi);
    size_t j = 0;
    for (; 8 * j + 8 <= n; j++) {
        const __m256 v = _mm256_loadu_ps(x + 8 * j);
        packed[j] = (uint8_t)_mm256_movemask_ps(
            _mm256_and_ps(_mm256_cmp_ps(v, l, _CMP_GT_OQ), _mm256_cmp_ps(v, h, _CMP_NGE_UQ)));
    }
    pack_scalar(x + 8 * j, packed + j, n - 8 * j, lo, hi);
}

AVX2 static void unpack_avx2(const float *g, const uint8_t *packed, float *out, size_t n, float slope) {
    const __m256i bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    const __m256 s = _mm256_set1_ps(slope);
    size_t j = 0;
    for (; 8 * j + 8 <= n; j++) {
        const __m256i b = _mm256_and_si256(_mm256_set1_epi32(packed[j]), bits);
        const __m256 on = _mm256_castsi256_ps(_mm256_cmpeq_epi32(b, bits));
        const __m256 gv = _mm256_loadu_ps(g + 8 * j);
        _mm256_storeu_ps(out + 8 * j, _mm256_blendv_ps(_mm256_mul_ps(gv, s), gv, on));
    }
    unpack_scalar(g + 8 * j, packed + j, out + 8 * j, n - 8 * j, slope);
}
#endif

/* Each float32 buffer's length in elements; -1 (with the error set) unless they agree. */
static Py_ssize_t float32_length(Py_buffer **buffers, int count) {
    for (int k = 0; k < count; k++) {
        if (buffers[k]->len % 4 || ((uintptr_t)buffers[k]->buf & 3) || buffers[k]->len != buffers[0]->len) {
            PyErr_SetString(PyExc_ValueError,
                             "rectifiers._native: float32 buffers of one length, 4-byte aligned, are needed");
            return -1;
        }
    }
    return buffers[0]->len / 4;
}

static PyObject *window(PyObject *self, PyObject *args) {
    Py_buffer g, t, out;
    float lo, hi, slope;
    if (!PyArg_ParseTuple(args, "y*y*w*fff", &g, &t, &out, &lo, &hi, &slope)) return NULL;
    Py_buffer *all[] = {&g, &t, &out};
    const Py_ssize_t n = float32_length(all, 3);
    if (n >= 0) {
        Py_BEGIN_ALLOW_THREADS
#if HAVE_AVX2_BUILD
        if (has_avx2) window_avx2(g.buf, t.buf, out.buf, (size_t)n, lo, hi, slope);
        else
#endif
            window_scalar(g.buf, t.buf, out.buf, (size_t)n, lo, hi, slope);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&g);
    PyBuffer_Release(&t);
    PyBuffer_Release(&out);
    return n >= 0 ? Py_NewRef(Py_None) : NULL;
}

static PyObject *pack(PyObject *self, PyObject *args) {
    Py_buffer x, packed;
    float lo, hi;
    if (!PyArg_ParseTuple(args, "y*w*ff", &x, &packed, &lo, &hi)) return NULL;
    Py_buffer *all[] = {&x};
    const Py_ssize_t n = float32_length(all, 1);
    const int fits = n >= 0 && packed.len == (n + 7) / 8;
    if (n >= 0 && !fits) PyErr_SetString(PyExc_ValueError, "rectifiers._native.pack: packed needs ceil(n / 8) bytes");
    if (fits) {
        Py_BEGIN_ALLOW_THREADS
#if HAVE_AVX2_BUILD
        if (has_avx2) pack_avx2(x.buf, packed.buf, (size_t)n, lo, hi);
        else
#endif
            pack_scalar(x.buf, packed.buf, (size_t)n, lo, hi);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&packed);
    return fits ? Py_NewRef(Py_None) : NULL;
}

static PyObject *unpack_backward(PyObject *self, PyObject *args) {
    Py_buffer g, packed, out;
    float slope;
    if (!PyArg_ParseTuple(args, "y*y*w*f", &g, &packed, &out, &slope)) return NULL;
    Py_buffer *all[] = {&g, &out};
    const Py_ssize_t n = float32_length(all, 2);
    const int fits = n >= 0 && packed.len == (n + 7) / 8;
    if (n >= 0 && !fits) PyErr_SetString(PyExc_ValueError, "rectifiers._native.unpack_backward: packed needs ceil(n / 8) bytes");
    if (fits) {
        Py_BEGIN_ALLOW_THREADS
#if HAVE_AVX2_BUILD
        if (has_avx2) unpack_avx2(g.buf, packed.buf, out.buf, (size_t)n, slope);
        else
#endif
            unpack_scalar(g.buf, packed.buf, out.buf, (size_t)n, slope);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&g);
    PyBuffer_Release(&packed);
    PyBuffer_Release(&out);
    return fits ? Py_NewRef(Py_None) : NULL;
}

static PyMethodDef methods[] = {
    {"run", run, METH_VARARGS,
     "run(op, dtype, x, y, param, stream): y = op(x), x and y contiguous buffers of one length."},
    {"exp_family", exp_family, METH_VARARGS,
     "exp_family(op, x, y, a, b, stream, index) -> how many float32 lanes were uncertain; the first in index."},
    {"exp_family_at", exp_family_at, METH_VARARGS,
     "exp_family_at(op, x_address, y_address, n, a, b) -> uncertain lanes (0: y complete), no GIL release."},
    {"softmax", softmax, METH_VARARGS,
     "softmax(x, y, cols, stream, index) -> how many rows of cols float32 values were left to the reference; the first in index."},
    {"select_isa", select_isa, METH_VARARGS, "select_isa(name) -> the previous one: the exp family's instruction set."},
    {"window", window, METH_VARARGS, "window(g, t, out, lo, hi, slope): out = lo < t < hi ? g : g * slope (float32)."},
    {"pack", pack, METH_VARARGS, "pack(x, packed, lo, hi): bit i of packed = lo < x[i] < hi (float32 x)."},
    {"unpack_backward", unpack_backward, METH_VARARGS,
     "unpack_backward(g, packed, out, slope): out = bit i ? g : g * slope (float32)."},
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
    has_fma = has_avx2 && __builtin_cpu_supports("fma");
    n_isas = !has_fma ? 0 : __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                                  __builtin_cpu_supports("avx512dq") ? 2 : 1;
    isa = n_isas - 1;
#endif
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    const int dtypes = has_avx2 ? N_DTYPES : F16; /* float16 needs F16C */
    if (PyModule_AddObject(m, "OPS", names(OP_NAMES, N_OPS)) < 0 ||
        PyModule_AddObject(m, "DTYPES", names(DTYPE_NAMES, dtypes)) < 0 ||
        PyModule_AddObject(m, "EXP_OPS", names(EXP_OP_NAMES, has_fma ? N_EXP_OPS : 0)) < 0 ||
        PyModule_AddObject(m, "ISAS", names(ISA_NAMES, n_isas)) < 0 ||
        PyModule_AddIntConstant(m, "SIMD", has_avx2) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
