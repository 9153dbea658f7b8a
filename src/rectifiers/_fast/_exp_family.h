/* The exp family and softmax on float32, written once for any float64 vector width.
 *
 * _native.c includes this file once per instruction set, after defining the vector vocabulary
 * below (AVX2: 4 float64 lanes in a __m256d; AVX-512: 8 in a __m512d). Everything here is the
 * same math, line for line, on either width; only the vocabulary differs. See _native.c for
 * the exactness argument (the certainty test) and its error bounds.
 *
 *   ISA(name)          name suffixed with the instruction set (name_avx2, name_avx512)
 *   TARGET             the function attribute that enables it
 *   W                  float64 lanes per vector = float32 lanes per unit of work
 *   VD, VM             a vector of W doubles and a lane mask for it
 *   VF, FM             W floats and their lane mask
 *   D_SET1 ... D_SEL   double ops (D_DIV: the correctly rounded quotient); D_SEL(m, a, b) is
 *                      m ? b : a, lane by lane
 *   D_POW2(k)          2^k for integral k in [-1022, 1023]
 *   F_* , FM_*         float ops and masks; FM_BITS(m): bit i set where lane i is
 */

TARGET static inline VD ISA(expm1_or_exp)(VD x, int exp) {
    const VD clamped = D_MAX(D_SET1(exp ? -200.0 : -40.0), x); /* NaN stays NaN */
    const VD k = D_ROUND(D_MUL(clamped, D_SET1(1.4426950408889634)));
    VD r = D_FNMA(k, D_SET1(6.93147180369123816490e-01), clamped);
    r = D_FNMA(k, D_SET1(1.90821492927058770002e-10), r);
    static const double inverse_factorials[] = {1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720,
                                                1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800,
                                                1.0 / 39916800, 1.0 / 479001600};
    /* q(r) = sum c_i r^i with c_i = 1/(i+2)!, i = 0..10, by Estrin's scheme */
    const VD r2 = D_MUL(r, r), r4 = D_MUL(r2, r2), r8 = D_MUL(r4, r4);
#define C(i) D_SET1(inverse_factorials[i])
    const VD p01 = D_FMA(C(1), r, C(0)), p23 = D_FMA(C(3), r, C(2));
    const VD p45 = D_FMA(C(5), r, C(4)), p67 = D_FMA(C(7), r, C(6));
    const VD p89 = D_FMA(C(9), r, C(8));
    const VD p0123 = D_FMA(p23, r2, p01), p4567 = D_FMA(p67, r2, p45);
    const VD p8910 = D_FMA(C(10), r2, p89);
#undef C
    const VD q = D_FMA(p8910, r8, D_FMA(p4567, r4, p0123));
    const VD p = D_FMA(r2, q, r); /* expm1(r) = r + r^2 q(r) */
    const VD scale = D_POW2(k);
    if (exp) return D_FMA(scale, p, scale);                   /* 2^k (p + 1) */
    const VD e = D_FMA(scale, p, D_SUB(scale, D_SET1(1.0))); /* 2^k (p + 1) - 1 */
    return D_SEL(D_CMP(x, D_SET1(0.0), _CMP_EQ_OQ), e, x);    /* expm1(-0.0) = -0.0 */
}

TARGET static inline VD ISA(minus_abs)(VD x) { return D_OR(x, D_SET1(-0.0)); }

/* The float64 value of `op` at W lanes, before rounding. */
TARGET static inline VD ISA(exp_family)(VD x, int op, VD a, VD b) {
    const VD one = D_SET1(1.0), zero = D_SET1(0.0);
    switch (op) {
    case ELU:
        return D_SEL(D_CMP(x, zero, _CMP_GT_OQ), D_MUL(a, ISA(expm1_or_exp)(x, 0)), D_MUL(b, x));
    case ELU_D:
        return D_SEL(D_CMP(x, zero, _CMP_GT_OQ), D_MUL(a, ISA(expm1_or_exp)(x, 1)), b);
    case SIGMOID: {
        const VD e = ISA(expm1_or_exp)(ISA(minus_abs)(x), 1); /* in (0, 1]: 1 + e in [1, 2] */
        return D_DIV(D_SEL(D_CMP(x, zero, _CMP_GE_OQ), e, one), D_ADD(one, e));
    }
    case SIGMOID_D: {
        const VD e = ISA(expm1_or_exp)(ISA(minus_abs)(x), 1), d = D_ADD(one, e);
        return D_DIV(e, D_MUL(d, d)); /* (1 + e)^2 in [1, 4] */
    }
    case TANH: {
        const VD m = ISA(expm1_or_exp)(D_MUL(D_SET1(2.0), ISA(minus_abs)(x)), 0); /* in [-1, 0] */
        const VD magnitude = D_DIV(D_SUB(zero, m), D_ADD(D_SET1(2.0), m));
        return D_OR(magnitude, D_AND(x, D_SET1(-0.0))); /* x's sign */
    }
    default: { /* TANH_D */
        const VD e = ISA(expm1_or_exp)(ISA(minus_abs)(x), 1);
        const VD sech = D_DIV(D_ADD(e, e), D_FMA(e, e, one)); /* 1 + e^2 in [1, 2] */
        return D_MUL(sech, sech);
    }
    }
}

/* t rounded to float32, and which lanes the certainty test cannot decide at relative width
 * delta: those where t (1 - delta) and t (1 + delta) round to different floats. */
TARGET static inline VF ISA(certain)(VD t, VD delta, FM *uncertain) {
    const VF low = D_TO_F(D_FNMA(t, delta, t)), high = D_TO_F(D_FMA(t, delta, t));
    *uncertain = F_CMP(low, high, _CMP_NEQ_OQ); /* NaN is certain: it stays NaN */
    return D_TO_F(t);
}

/* Returns how many lanes were uncertain; the first `capacity` of their indices are in `index`. */
TARGET static inline __attribute__((always_inline)) size_t ISA(exp_family_loop)(
    const float *x, float *y, size_t n, int op, double alpha, double beta, int stream, int64_t *index,
    size_t capacity) {
    const VD a = D_SET1(alpha), b = D_SET1(beta), delta = D_SET1(0x1p-40);
    const int huge = op == ELU_D && !(alpha > -1e30 && alpha < 1e30);
    size_t i = 0, count = 0;
    while (i < n) {
        /* Lanes past n (the head, to align y for streaming, and the tail) go through a small buffer. */
        size_t lanes = W; /* y is 4-byte aligned (checked by the caller), so lanes >= 1: i advances */
        if (stream && ((uintptr_t)(y + i) & (4 * W - 1))) lanes = (4 * W - ((uintptr_t)(y + i) & (4 * W - 1))) / 4;
        if (lanes > n - i) lanes = n - i;
        float in[W] = {0}, out[W];
        const int whole = lanes == W;
        if (!whole) memcpy(in, x + i, lanes * 4);
        const VF v = F_LOADU(whole ? x + i : in);
        FM u;
        VF r = ISA(certain)(ISA(exp_family)(F_TO_D(v), op, a, b), delta, &u);
        if (huge) u = FM_OR(u, F_CMP(v, F_SET1(-200.0f), _CMP_LT_OQ));
        r = F_SEL(u, r, v); /* uncertain lanes keep x */
        const unsigned uncertain = FM_BITS(u);
        if (whole && stream) F_STREAM(y + i, r);
        else if (whole) F_STOREU(y + i, r);
        else { F_STOREU(out, r); memcpy(y + i, out, lanes * 4); }
        for (unsigned lane = 0; uncertain && lane < lanes; lane++) {
            if (uncertain >> lane & 1) {
                if (count < capacity) index[count] = (int64_t)(i + lane);
                count++;
            }
        }
        i += lanes;
    }
    return count;
}

/* One copy of the loop per op, so that the switch in exp_family is decided at compile time. */
#define EXP_LOOP(OP)                                                                                    \
    TARGET static size_t ISA(exp_loop_##OP)(const float *x, float *y, size_t n, double a, double b,     \
                                            int stream, int64_t *index, size_t capacity) {              \
        return ISA(exp_family_loop)(x, y, n, OP, a, b, stream, index, capacity);                         \
    }
EXP_LOOP(ELU)
EXP_LOOP(ELU_D)
EXP_LOOP(SIGMOID)
EXP_LOOP(SIGMOID_D)
EXP_LOOP(TANH)
EXP_LOOP(TANH_D)
#undef EXP_LOOP
static const exp_loop ISA(EXP_LOOPS)[N_EXP_OPS] = {ISA(exp_loop_ELU), ISA(exp_loop_ELU_D),
                                                   ISA(exp_loop_SIGMOID), ISA(exp_loop_SIGMOID_D),
                                                   ISA(exp_loop_TANH), ISA(exp_loop_TANH_D)};

/* ---- softmax over rows (see _native.c for the window) ---- */

/* The largest of x[0..n), NaN ignored (-inf if every value is NaN or -inf). */
TARGET static inline float ISA(row_max)(const float *x, size_t n) {
    VF m = F_SET1(-INFINITY);
    size_t i = 0;
    for (; i + W <= n; i += W) m = F_MAX(F_LOADU(x + i), m); /* a NaN lane of x gives m */
    float lanes[W], best = -INFINITY;
    F_STOREU(lanes, m);
    for (int k = 0; k < W; k++) best = lanes[k] > best ? lanes[k] : best;
    for (; i < n; i++) best = x[i] > best ? x[i] : best;
    return best;
}

/* The sum of e[0..n), n a multiple of W, pairwise: blocks of at most SUM_BLOCK by 2 vector
 * accumulators, then halves. Every term goes through at most SUM_BLOCK / (2 W) + 1 + log2(W)
 * additions in its block and ceil(log2(n / SUM_BLOCK)) above it. */
#define SUM_BLOCK 128
TARGET static double ISA(pairwise)(const double *e, size_t n) {
    if (n > SUM_BLOCK) {
        const size_t half = (n / 2 + W - 1) / W * W;
        return ISA(pairwise)(e, half) + ISA(pairwise)(e + half, n - half);
    }
    VD s0 = D_SET1(0.0), s1 = D_SET1(0.0);
    size_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        s0 = D_ADD(s0, D_LOADU(e + i));
        s1 = D_ADD(s1, D_LOADU(e + i + W));
    }
    if (i < n) s0 = D_ADD(s0, D_LOADU(e + i));
    return D_HSUM(D_ADD(s0, s1));
}

/* Softmax of each row of x (rows x cols, C order) into y. Rows the kernel leaves to the
 * reference (a NaN, an infinite maximum, or a lane the certainty test cannot decide) are
 * counted; the first `capacity` of their indices are in `index`. scratch holds cols rounded
 * up to W doubles. */
TARGET static size_t ISA(softmax_rows)(const float *x, float *y, size_t rows, size_t cols, double *scratch,
                                       double window, int64_t *index, size_t capacity) {
    const size_t padded = (cols + W - 1) / W * W;
    const VD delta = D_SET1(window);
    size_t count = 0;
    for (size_t row = 0; row < rows; row++) {
        const float *xr = x + row * cols;
        float *yr = y + row * cols;
        const float m = ISA(row_max)(xr, cols);
        int uncertain = !(m > -INFINITY && m < INFINITY);
        if (!uncertain) {
            const VD shift = D_SET1((double)m);
            for (size_t i = 0; i < padded; i += W) {
                float in[W];
                const size_t lanes = cols - i < W ? cols - i : W;
                for (size_t k = 0; k < W; k++) in[k] = k < lanes ? xr[i + k] : m; /* padding: e = 1 */
                const VD e = ISA(expm1_or_exp)(D_SUB(F_TO_D(F_LOADU(lanes == W ? xr + i : in)), shift), 1);
                D_STOREU(scratch + i, e);
            }
            for (size_t k = cols; k < padded; k++) scratch[k] = 0.0; /* padding adds nothing */
            const double s = ISA(pairwise)(scratch, padded);
            uncertain = !(s < INFINITY); /* NaN: a NaN in the row */
            const VD inverse = D_SET1(1.0 / s);
            unsigned bits = 0;
            for (size_t i = 0; i < padded && !uncertain; i += W) {
                FM u;
                const VF r = ISA(certain)(D_MUL(D_LOADU(scratch + i), inverse), delta, &u);
                bits |= FM_BITS(u);
                if (i + W <= cols) F_STOREU(yr + i, r);
                else {
                    float out[W];
                    F_STOREU(out, r);
                    memcpy(yr + i, out, (cols - i) * 4);
                }
            }
            uncertain = uncertain || bits;
        }
        if (uncertain) {
            if (count < capacity) index[count] = (int64_t)row;
            count++;
        }
    }
    return count;
}
#undef SUM_BLOCK
