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
 *   VD                 a vector of W doubles (D_CMP gives its lane mask, for D_SEL)
 *   VF, FM             W floats and their lane mask
 *   D_SET1 ... D_SEL   double ops (D_DIV: the correctly rounded quotient); D_SEL(m, a, b) is
 *                      m ? b : a, lane by lane
 *   D_EXP2_16(s)       2^(j/16) from EXP2_16, j the low 4 bits of s
 *   D_SCALE(v, f)      v 2^floor(f), exact where the result is normal
 *   F_* , FM_*         float ops and masks; FM_BITS(m): bit i set where lane i is
 */

/* expm1(x) (exp = 0) or exp(x) (exp = 1): see _native.c for the method and its error bound. */
TARGET static inline VD ISA(expm1_or_exp)(VD x, int exp) {
    const VD clamped = D_MAX(D_SET1(exp ? -200.0 : -40.0), x); /* NaN stays NaN */
    /* s = 1.5 2^52 + k, k the integer nearest 16 x / ln2: the low 4 bits of s are k mod 16 */
    const VD s = D_FMA(clamped, D_SET1(23.083120654223414), D_SET1(0x1.8p52));
    const VD k = D_SUB(s, D_SET1(0x1.8p52));
    VD r = D_FNMA(k, D_SET1(0x1.62e42fee00000p-5), clamped); /* x - k ln2/16, |r| <= ln2/32 */
    r = D_FNMA(k, D_SET1(0x1.a39ef35793c76p-37), r);
    /* expm1(r) = r + r^2 q(r), q(r) = sum c_i r^i, c_i = 1/(i+2)!, i = 0..5 (degree 7), Estrin */
    const VD r2 = D_MUL(r, r);
    const VD p01 = D_FMA(D_SET1(1.0 / 6), r, D_SET1(1.0 / 2));
    const VD p23 = D_FMA(D_SET1(1.0 / 120), r, D_SET1(1.0 / 24));
    const VD p45 = D_FMA(D_SET1(1.0 / 5040), r, D_SET1(1.0 / 720));
    const VD q = D_FMA(D_FMA(p45, r2, p23), r2, p01);
    const VD p = D_FMA(r2, q, r);
    const VD scale = D_SCALE(D_EXP2_16(s), D_MUL(k, D_SET1(0.0625))); /* 2^(k/16), exact */
    if (exp) return D_FMA(scale, p, scale);                             /* 2^(k/16) (p + 1) */
    const VD e = D_FMA(scale, p, D_SUB(scale, D_SET1(1.0)));           /* 2^(k/16) (p + 1) - 1 */
    return D_SEL(D_CMP(x, D_SET1(0.0), _CMP_EQ_OQ), e, x);              /* expm1(-0.0) = -0.0 */
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
 * delta: those where t (1 - delta) and t (1 + delta) round to different floats. Where they
 * round to the same, so does t (rounding is monotonic), so that is the result; elsewhere the
 * lane is the caller's to replace. */
TARGET static inline VF ISA(certain)(VD t, VD delta, FM *uncertain) {
    /* products (1 -+ delta are exact), not t -+ t delta: they keep -0.0 and inf as they are */
    const VD one = D_SET1(1.0);
    const VF low = D_TO_F(D_MUL(t, D_SUB(one, delta))), high = D_TO_F(D_MUL(t, D_ADD(one, delta)));
    *uncertain = F_CMP(low, high, _CMP_NEQ_OQ); /* NaN is certain: it stays NaN */
    return low;
}

/* W lanes of `op` from x, rounded, uncertain lanes left holding x; their bits in *uncertain. */
TARGET static inline __attribute__((always_inline)) VF ISA(exp_unit)(VF v, int op, VD a, VD b, VD delta,
                                                                      int huge, unsigned *uncertain) {
    FM u;
    const VF r = ISA(certain)(ISA(exp_family)(F_TO_D(v), op, a, b), delta, &u);
    if (huge) u = FM_OR(u, F_CMP(v, F_SET1(-200.0f), _CMP_LT_OQ));
    *uncertain = FM_BITS(u);
    return F_SEL(u, r, v);
}

/* Adds the lanes set in `bits` (offsets from i) to the count, and the first `capacity` to index. */
static inline size_t ISA(note)(unsigned bits, size_t i, size_t count, int64_t *index, size_t capacity) {
    for (unsigned lane = 0; bits; lane++, bits >>= 1) {
        if (bits & 1) {
            if (count < capacity) index[count] = (int64_t)(i + lane);
            count++;
        }
    }
    return count;
}

/* Returns how many lanes were uncertain; the first `capacity` of their indices are in `index`.
 * The body does two independent units a step (the chain of one unit is long: two keep the
 * pipes fed); the head that aligns y for streaming and the tail go a unit at a time, through
 * a small buffer where a unit would run past n. */
TARGET static inline __attribute__((always_inline)) size_t ISA(exp_family_loop)(
    const float *x, float *y, size_t n, int op, double alpha, double beta, int stream, int64_t *index,
    size_t capacity) {
    const VD a = D_SET1(alpha), b = D_SET1(beta), delta = D_SET1(0x1p-40);
    const int huge = op == ELU_D && !(alpha > -1e30 && alpha < 1e30);
    size_t i = 0, count = 0;
    int body = 0; /* the head is done: y + i is aligned, or nothing is streamed */
    while (i < n) {
        size_t lanes = W; /* y is 4-byte aligned (checked by the caller), so lanes >= 1: i advances */
        if (stream && ((uintptr_t)(y + i) & (4 * W - 1))) lanes = (4 * W - ((uintptr_t)(y + i) & (4 * W - 1))) / 4;
        else body = 1;
        if (body) {
            for (; i + 2 * W <= n; i += 2 * W) {
                unsigned u0, u1;
                const VF r0 = ISA(exp_unit)(F_LOADU(x + i), op, a, b, delta, huge, &u0);
                const VF r1 = ISA(exp_unit)(F_LOADU(x + i + W), op, a, b, delta, huge, &u1);
                if (stream) { F_STREAM(y + i, r0); F_STREAM(y + i + W, r1); }
                else { F_STOREU(y + i, r0); F_STOREU(y + i + W, r1); }
                if (u0 | u1) count = ISA(note)(u0 | u1 << W, i, count, index, capacity);
            }
            if (i == n) break;
        }
        if (lanes > n - i) lanes = n - i;
        float in[W] = {0}, out[W];
        memcpy(in, x + i, lanes * 4);
        unsigned u;
        F_STOREU(out, ISA(exp_unit)(F_LOADU(in), op, a, b, delta, huge, &u));
        memcpy(y + i, out, lanes * 4);
        count = ISA(note)(u & ((1u << lanes) - 1), i, count, index, capacity);
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
 * accumulators, then halves. Every term goes through at most SUM_BLOCK / (2 W) + 2 + log2(W)
 * additions in its block (its lane's, the leftover unit's, s0 + s1, the horizontal sum) and
 * one per halving above it (fewer than log2 n halvings). */
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
 * up to W doubles. `stream`: y's aligned units are written with streaming stores. */
TARGET static size_t ISA(softmax_rows)(const float *x, float *y, size_t rows, size_t cols, double *scratch,
                                       double window, int stream, int64_t *index, size_t capacity) {
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
            size_t i = 0;
            for (; i + 2 * W <= cols; i += 2 * W) { /* two independent units a step, as above */
                const VD e0 = ISA(expm1_or_exp)(D_SUB(F_TO_D(F_LOADU(xr + i)), shift), 1);
                const VD e1 = ISA(expm1_or_exp)(D_SUB(F_TO_D(F_LOADU(xr + i + W)), shift), 1);
                D_STOREU(scratch + i, e0);
                D_STOREU(scratch + i + W, e1);
            }
            for (; i < padded; i += W) {
                float in[W];
                for (size_t k = 0; k < W; k++) in[k] = i + k < cols ? xr[i + k] : m;
                D_STOREU(scratch + i, ISA(expm1_or_exp)(D_SUB(F_TO_D(F_LOADU(in)), shift), 1));
            }
            for (size_t k = cols; k < padded; k++) scratch[k] = 0.0; /* padding adds nothing */
            const double s = ISA(pairwise)(scratch, padded);
            uncertain = !(s < INFINITY); /* NaN: a NaN in the row */
            const VD inverse = D_SET1(1.0 / s);
            unsigned bits = 0;
            for (i = 0; i + 2 * W <= cols && !uncertain; i += 2 * W) {
                FM u0, u1;
                const VF r0 = ISA(certain)(D_MUL(D_LOADU(scratch + i), inverse), delta, &u0);
                const VF r1 = ISA(certain)(D_MUL(D_LOADU(scratch + i + W), inverse), delta, &u1);
                if (stream && !((uintptr_t)(yr + i) & (4 * W - 1))) { F_STREAM(yr + i, r0); F_STREAM(yr + i + W, r1); }
                else { F_STOREU(yr + i, r0); F_STOREU(yr + i + W, r1); }
                bits |= FM_BITS(u0) | FM_BITS(u1);
            }
            for (; i < padded && !uncertain; i += W) {
                FM u;
                float out[W];
                F_STOREU(out, ISA(certain)(D_MUL(D_LOADU(scratch + i), inverse), delta, &u));
                bits |= FM_BITS(u); /* the padding's lanes are 0: certain */
                memcpy(yr + i, out, (cols - i < W ? cols - i : W) * 4);
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
