/* The body of the spherical-harmonics C kernels, written once for a real type: _sh_native.c includes it for
 * double and for float, with REAL (the type), BLOCK (points per block), SQRT, FABS and NAME(x) (the function
 * names of that type) defined. See _sh_native.c for the method. */

/* The block of points starting at `p` (`count` of them; a short block repeats its first point in the other
 * lanes): q[k * BLOCK + b] = Q_k at point b, k < (lmax+1)^2. Also returns, per point, the z-polar unit vector
 * (or the point, normalize = 0), the radial flag (1, 0 at the zero vector) or r^2 (normalize = 0), and for the
 * backward pass the largest coordinate and the length |p'| of the point scaled by it. */
static inline __attribute__((always_inline)) void NAME(fill)(const REAL *p, int count, int lmax, const REAL *beta4,
                                                              int normalize, int polar_y, REAL tiny, REAL *q,
                                                              REAL *x, REAL *y, REAL *z, REAL *radial,
                                                              REAL *largest_out, REAL *norm_out)
{
    REAL z2[BLOCK];
    /* the z-polar frame's (y, z, x); polar axis y: Y_y(x, y, z) = Y_z(z, x, y), so they are the input's (x, y, z) */
    for (int b = 0; b < BLOCK; ++b) {
        const int s = b < count ? b : 0;
        if (polar_y) {
            y[b] = p[3 * s]; z[b] = p[3 * s + 1]; x[b] = p[3 * s + 2];
        } else {
            y[b] = p[3 * s + 1]; z[b] = p[3 * s + 2]; x[b] = p[3 * s];
        }
    }
    if (normalize) {
        /* p' = p / max|p_i| (its largest coordinate exactly +-1), t = the two other squares (the smallest of the
         * pairwise sums), 1/|p'| = 1 - e with e = t / (q (1 + q)), q = sqrt(1 + t); u = p' (1 - e). The zero
         * vector stays zero with the radial flag 0; a NaN coordinate gives NaN (torch.amax / amin propagate it). */
        for (int b = 0; b < BLOCK; ++b) {
            const REAL ay = FABS(y[b]), az = FABS(z[b]), ax = FABS(x[b]);
            const REAL m1 = NAN_MAX(ay, az);
            const REAL largest = NAN_MAX(m1, ax);
            radial[b] = largest > 0 ? (REAL)1 : (REAL)0;
            const REAL f = largest < tiny ? tiny : largest;
            const REAL u = y[b] / f, v = z[b] / f, w = x[b] / f;
            const REAL su = u * u, sv = v * v, sw = w * w;
            const REAL p0 = su + sv, p1 = sv + sw, p2 = sw + su;
            const REAL n1 = NAN_MIN(p0, p1);
            const REAL t = NAN_MIN(n1, p2);
            const REAL g = t + (REAL)1;
            const REAL root = SQRT(g);
            const REAL e = t / (g + root);
            const REAL factor = -e + (REAL)1;
            y[b] = u * factor; z[b] = v * factor; x[b] = w * factor;
            largest_out[b] = largest; norm_out[b] = root;
        }
    } else {
        for (int b = 0; b < BLOCK; ++b) radial[b] = (y[b] * y[b] + z[b] * z[b]) + x[b] * x[b];
    }
    for (int b = 0; b < BLOCK; ++b) q[b] = 1;
    if (lmax == 0) return; /* the buffer holds Q_{0,0} alone */
    for (int b = 0; b < BLOCK; ++b) {
        z2[b] = z[b] * (REAL)2;
        q[BLOCK + b] = y[b]; q[2 * BLOCK + b] = z2[b]; q[3 * BLOCK + b] = x[b];
    }
    /* sectoral rows Q_{d,-d} = Im w^d, Q_{d,d} = Re w^d by doubling: w^(k+1+j) = w^(j+1) w^k */
    for (int k = 1; k < lmax;) {
        const int m = k < lmax - k ? k : lmax - k;
        const REAL *kim = q + (int64_t)k * k * BLOCK, *kre = q + (int64_t)(k * k + 2 * k) * BLOCK;
        for (int j = 0; j < m; ++j) {
            const int a = j + 1, d = k + j + 1;
            const REAL *aim = q + (int64_t)a * a * BLOCK, *are = q + (int64_t)(a * a + 2 * a) * BLOCK;
            REAL *dim = q + (int64_t)d * d * BLOCK, *dre = q + (int64_t)(d * d + 2 * d) * BLOCK;
            for (int h = 0; h < BLOCK; h += LANES) {
                const VEC ar = LOAD(are + h), ai = LOAD(aim + h), kr = LOAD(kre + h), ki = LOAD(kim + h);
                STORE(dre + h, ar * kr - ai * ki);
                STORE(dim + h, ar * ki + ai * kr);
            }
        }
        k += m;
    }
    /* Q_{l,m} = 2z Q_{l-1,m} - 4 beta_{l,m} r^2 Q_{l-2,m}, |m| <= l - 1 (the second term for |m| <= l - 2) */
    const REAL *betas = beta4;
    for (int l = 2; l <= lmax; ++l) {
        REAL *row = q + (int64_t)(l * l + 1) * BLOCK;
        const REAL *prev = q + (int64_t)(l - 1) * (l - 1) * BLOCK;
        const REAL *old = q + (int64_t)(l - 2) * (l - 2) * BLOCK;
        const int inner = 2 * l - 1;
        for (int j = 0; j < inner; ++j) {
            REAL *r = row + j * BLOCK;
            const REAL *pr = prev + j * BLOCK;
            if (j == 0 || j == inner - 1) {
                for (int h = 0; h < BLOCK; h += LANES) STORE(r + h, LOAD(pr + h) * LOAD(z2 + h));
                continue;
            }
            const REAL bj = betas[j - 1];
            const REAL *o = old + (j - 1) * BLOCK;
            if (l == 2 && normalize) { /* Q_{0,0} r^2 = the radial flag on the unit sphere */
                for (int h = 0; h < BLOCK; h += LANES)
                    STORE(r + h, LOAD(pr + h) * LOAD(z2 + h) - LOAD(radial + h) * bj);
            } else if (normalize) {
                for (int h = 0; h < BLOCK; h += LANES)
                    STORE(r + h, LOAD(pr + h) * LOAD(z2 + h) - LOAD(o + h) * bj);
            } else {
                for (int h = 0; h < BLOCK; h += LANES)
                    STORE(r + h, LOAD(pr + h) * LOAD(z2 + h) - (LOAD(o + h) * LOAD(radial + h)) * bj);
            }
        }
        betas += 2 * l - 3;
    }
}

/* The work space of the forward pass: the block buffer q (BLOCK (lmax+1)^2 numbers) and, up to FLAT_MAX_DEGREE,
 * the tables that write a block's output as one contiguous run, out[j] = q[index[j]] pattern[j] (j = b size + k:
 * index[j] = k BLOCK + b, pattern[j] = scale[k]); NULL when it cannot be allocated (free with free()). */
static REAL *NAME(forward_space)(int lmax, const REAL *scale, REAL **pattern, int32_t **index)
{
    const int64_t size = (int64_t)(lmax + 1) * (lmax + 1), values = size * BLOCK; /* values: a multiple of 16 */
    const int gather = lmax <= FLAT_MAX_DEGREE;
    REAL *q = (REAL *)aligned_alloc(64, (size_t)(values * (gather ? 2 * sizeof(REAL) + sizeof(int32_t)
                                                                     : sizeof(REAL))));
    *pattern = NULL; *index = NULL;
    if (q == NULL || !gather) return q;
    *pattern = q + values;
    *index = (int32_t *)(q + 2 * values);
    for (int64_t b = 0, j = 0; b < BLOCK; ++b) {
        for (int64_t k = 0; k < size; ++k, ++j) {
            (*index)[j] = (int32_t)(k * BLOCK + b);
            (*pattern)[j] = scale[k];
        }
    }
    return q;
}

/* out[i, k] = scale[k] Q_k(points[i]) for start <= i < stop, with the work space of forward_space. */
static void NAME(forward_range)(int64_t start, int64_t stop, const REAL *points, int lmax, const REAL *beta4,
                                const REAL *scale, int normalize, int polar_y, REAL tiny, REAL *out, REAL *q,
                                const REAL *pattern, const int32_t *index)
{
    const int64_t size = (int64_t)(lmax + 1) * (lmax + 1);
    REAL x[BLOCK], y[BLOCK], z[BLOCK], radial[BLOCK], largest[BLOCK], norm[BLOCK];
    for (; start < stop; start += BLOCK) {
        const int count = (int)((stop - start) < BLOCK ? (stop - start) : BLOCK);
        NAME(fill)(points + 3 * start, count, lmax, beta4, normalize, polar_y, tiny, q, x, y, z, radial, largest,
                   norm);
        REAL *dst = out + start * size;
        if (index != NULL) { /* the block's output is one contiguous run */
            NAME(gather_scaled)(count * size, q, index, pattern, dst);
            continue;
        }
        for (int64_t k0 = 0; k0 < size; k0 += TILE) { /* a tile of components, point after point */
            const int64_t width = size - k0 < TILE ? size - k0 : TILE;
            for (int b = 0; b < count; ++b)
                NAME(strided_scaled)(width, q + k0 * BLOCK + b, scale + k0, dst + b * size + k0);
        }
    }
}

/* out[i, k] = scale[k] Q_k(points[i]) for i < n; returns 1 when the work space cannot be allocated. */
int NAME(forward)(int64_t n, const REAL *points, int lmax, const REAL *beta4, const REAL *scale, int normalize,
                  int polar_y, REAL tiny, REAL *out)
{
    REAL *pattern;
    int32_t *index;
    REAL *q = NAME(forward_space)(lmax, scale, &pattern, &index);
    if (q == NULL) return 1;
    NAME(forward_range)(0, n, points, lmax, beta4, scale, normalize, polar_y, tiny, out, q, pattern, index);
    free(q);
    return 0;
}

/* A forward call shared through the helper pool (_native_pool.h): its arguments, its status (1 when the calling
 * thread cannot allocate its work space) and its two claim counters. */
typedef struct {
    int64_t n;
    const REAL *points, *beta4, *scale;
    int lmax, normalize, polar_y, status;
    REAL tiny;
    REAL *out;
    int64_t claimed, from_back; /* runs claimed in all, runs taken from the back */
} NAME(forward_job);

/* The task of a forward call, run by the calling thread (helper = 0) and by each helper that joins (helper = 1).
 * The points go in runs of about 64 KB of output: the caller takes runs from the front, the helpers from the back,
 * until all are claimed (a claim counts against the total first, so the two ends never overlap), so the caller
 * starts at once and a helper joins whenever its thread wakes; pool_run returns only when no helper is inside the
 * task. When the caller cannot allocate its work space it claims every run, so that the helpers stop (no point is
 * left half-written, but the output is incomplete); a helper that cannot allocate does nothing. */
static void NAME(forward_task)(void *context, int helper)
{
    NAME(forward_job) *job = (NAME(forward_job) *)context;
    const int64_t size = (int64_t)(job->lmax + 1) * (job->lmax + 1), n = job->n;
    int64_t per_run = (int64_t)65536 / (int64_t)(BLOCK * size * (int64_t)sizeof(REAL));
    per_run = BLOCK * (per_run < 1 ? 1 : per_run);
    const int64_t runs = (n + per_run - 1) / per_run;
    REAL *pattern;
    int32_t *index;
    REAL *q = NAME(forward_space)(job->lmax, job->scale, &pattern, &index);
    if (q == NULL) {
        if (!helper) {
            __atomic_store_n(&job->claimed, runs, __ATOMIC_SEQ_CST); /* nothing more to claim */
            job->status = 1;
        }
        return;
    }
    for (int64_t front = 0;;) {
        if (__atomic_fetch_add(&job->claimed, 1, __ATOMIC_SEQ_CST) >= runs) break;
        const int64_t run = helper ? runs - 1 - __atomic_fetch_add(&job->from_back, 1, __ATOMIC_SEQ_CST) : front++;
        const int64_t start = run * per_run, stop = start + per_run < n ? start + per_run : n;
        NAME(forward_range)(start, stop, job->points, job->lmax, job->beta4, job->scale, job->normalize,
                            job->polar_y, job->tiny, job->out, q, pattern, index);
    }
    free(q);
}

/* forward, shared by this thread and up to `helpers` threads of the pool (forward_task says how); returns 1 when
 * this thread cannot allocate its work space (the output is then incomplete). */
int NAME(forward_parallel)(int helpers, int64_t n, const REAL *points, int lmax, const REAL *beta4,
                           const REAL *scale, int normalize, int polar_y, REAL tiny, REAL *out)
{
    NAME(forward_job) job = {n, points, beta4, scale, lmax, normalize, polar_y, 0, tiny, out, 0, 0};
    pool_run(NAME(forward_task), &job, helpers);
    return job.status;
}

/* grad_points[i] = sum_k grad_out[i, k] d out[i, k] / d points[i], for the output of forward with the same
 * arguments, through the derivatives of the solid harmonics (the tables of _sh_tables.gradient_tables, one entry
 * per target component k' < lmax^2: frame axis x from rows ia, ib of the incoming gradient, y from the mirrored
 * rows iay, iby, z from row iz), then for unit vectors the chain rule through u = r/|r|:
 * g <- (g - (g.u) u) / |r|, with |r| = largest |p'| (1 at the zero vector, whose gradient is the solid one). */
int NAME(backward)(int64_t n, const REAL *points, int lmax, const REAL *beta4, int normalize, int polar_y,
                   REAL tiny, const REAL *grad_out, const REAL *ax, const REAL *bx, const REAL *ay, const REAL *by,
                   const REAL *cz, const int64_t *ia, const int64_t *ib, const int64_t *iay, const int64_t *iby,
                   const int64_t *iz, REAL *grad_points)
{
    const int64_t size = (int64_t)(lmax + 1) * (lmax + 1), inner = (int64_t)lmax * lmax;
    REAL *q = (REAL *)aligned_alloc(64, (size_t)(2 * size * BLOCK * sizeof(REAL)));
    if (q == NULL) return 1;
    REAL *gt = q + size * BLOCK; /* the block's incoming gradient, transposed like q */
    REAL x[BLOCK], y[BLOCK], z[BLOCK], radial[BLOCK], largest[BLOCK], norm[BLOCK];
    REAL gx[BLOCK], gy[BLOCK], gz[BLOCK];
    for (int64_t start = 0; start < n; start += BLOCK) {
        const int count = (int)((n - start) < BLOCK ? (n - start) : BLOCK);
        NAME(fill)(points + 3 * start, count, lmax, beta4, normalize, polar_y, tiny, q, x, y, z, radial, largest,
                   norm);
        const REAL *src = grad_out + start * size;
        for (int b = 0; b < BLOCK; ++b) {
            const int s = b < count ? b : 0;
            for (int64_t k = 0; k < size; ++k) gt[k * BLOCK + b] = src[s * size + k];
        }
        for (int b = 0; b < BLOCK; ++b) { gx[b] = 0; gy[b] = 0; gz[b] = 0; }
        for (int64_t k = 0; k < inner; ++k) {
            const REAL *ga = gt + ia[k] * BLOCK, *gb = gt + ib[k] * BLOCK;
            const REAL *gya = gt + iay[k] * BLOCK, *gyb = gt + iby[k] * BLOCK, *gzz = gt + iz[k] * BLOCK;
            const REAL *qk = q + k * BLOCK;
            const REAL axk = ax[k], bxk = bx[k], ayk = ay[k], byk = by[k], czk = cz[k];
            for (int b = 0; b < BLOCK; ++b) {
                gx[b] += (ga[b] * axk + gb[b] * bxk) * qk[b];
                gy[b] += (gya[b] * ayk + gyb[b] * byk) * qk[b];
                gz[b] += (gzz[b] * czk) * qk[b];
            }
        }
        if (normalize) {
            for (int b = 0; b < BLOCK; ++b) {
                const REAL dot = (gx[b] * x[b] + gy[b] * y[b]) + gz[b] * z[b];
                const REAL length = largest[b] * norm[b] + ((REAL)1 - radial[b]);
                gx[b] = (gx[b] - x[b] * dot) / length;
                gy[b] = (gy[b] - y[b] * dot) / length;
                gz[b] = (gz[b] - z[b] * dot) / length;
            }
        }
        REAL *dst = grad_points + 3 * start;
        for (int b = 0; b < count; ++b) {
            if (polar_y) { /* input (x, y, z) = frame (y, z, x) */
                dst[3 * b] = gy[b]; dst[3 * b + 1] = gz[b]; dst[3 * b + 2] = gx[b];
            } else {
                dst[3 * b] = gx[b]; dst[3 * b + 1] = gy[b]; dst[3 * b + 2] = gz[b];
            }
        }
    }
    free(q);
    return 0;
}
