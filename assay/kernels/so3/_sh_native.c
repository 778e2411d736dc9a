/* The spherical-harmonics kernels of assay.kernels.so3 in C, for the CPU: the rescaled recurrence and the robust
 * normalization of the torch route (_sh_kernel.py), step for step, fused into one pass that computes a block of
 * points in cache — forward: and writes each output value once; backward: and reduces the incoming gradient
 * against it. (The two routes agree to a few units in the last place, not bit for bit: torch's vectorized
 * complex product and sums may round differently; both are held to the same accuracy contract against the
 * mpmath reference, tests/kernels/test_so3_harmonics.py.)
 *
 * Built at first use by assay.kernels._native with the system C compiler (-O3 -march=native -ffp-contract=off:
 * no fused multiply-adds, so every operation rounds as written) and called through ctypes, which releases the
 * interpreter lock. The forward pass shares its runs of points with the helper threads of _native_pool.h; the
 * backward pass is called once per contiguous run by the pool threads of assay.kernels._threads.
 *
 * Layout: a block of BLOCK points lives in q[k * BLOCK + b] (component k, point b), so that every step of the
 * recurrence is a short loop over the points of the block, which the compiler turns into vector operations.
 * The block's output is written with vector gathers from q (see TILE below). (Measured on the 2-core machine: 16
 * doubles / 32 floats per block are 10% faster than 8 at lmax <= 4; transposing the output in vector registers
 * made writes to memory 1.6x slower, and specializing lmax <= 8 at compile time gained nothing.)
 *
 *   Q_{0,0} = 1,  (Q_{1,-1}, Q_{1,0}, Q_{1,1}) = (y, 2z, x),  (Q_{l,-l}, Q_{l,l}) = (Im, Re) (x + i y)^l,
 *   Q_{l,m} = 2z Q_{l-1,m} - 4 beta_{l,m} r^2 Q_{l-2,m}   (|m| <= l - 1; the second term for |m| <= l - 2),
 *   out[p, k] = scale[k] Q_k(p).
 *
 * The body is written once, in _sh_native_body.h, and included here for double and float.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "../_native_pool.h"

#define ASSAY_SH_NATIVE_ABI 6

int assay_sh_native_abi(void) { return ASSAY_SH_NATIVE_ABI; }

/* max and min that return NaN when either argument is NaN (as torch.amax / torch.amin) */
#define NAN_MAX(a, b) (((a) != (a) || (a) > (b)) ? (a) : (b))
#define NAN_MIN(a, b) (((a) != (a) || (a) < (b)) ? (a) : (b))

/* How the forward pass writes a block's output, out[b, k] = scale[k] q[k BLOCK + b] (BLOCK rows of (lmax+1)^2, one
 * contiguous run), a vector at a time with AVX-512 gathers (the same products, so the same bits, as a plain loop):
 * - up to FLAT_MAX_DEGREE, along the run, each vector gathered through an index table (gather_scaled);
 * - above, in tiles of TILE components, each point's part of a tile gathered with a fixed stride (strided_scaled),
 *   so that the tile's rows of the block buffer stay in the first-level cache while all points read them.
 * Measured on the 2-core machine (benchmarks/sh_native_per_point.py: one thread, in cache), per point, against the
 * row-by-row loop used before: float64 lmax = 4 / 8 / 16 / 24: 26 -> 17, 69 -> 50, 242 -> 244, 778 -> 463 ns;
 * float32: 13.7 -> 9.9, 46 -> 29, 156 -> 100, 533 -> 203 ns. (The tables beat the strides in float64 up to
 * lmax = 16, by 10-25% at 2-8, and are no faster in float32 above 8; tiles of 8 or 64 components were slower.) */
#define TILE 32

/* The recurrence's steps act on a block LANES numbers at a time: VEC is a GCC/Clang vector type of LANES numbers
 * (which the compiler splits into the machine's vector registers), LOAD and STORE move one from and to the block
 * buffer. (Written as loops over the block, the float64 steps ran as scalar code: the compiler could not prove
 * that the rows of q do not overlap. Measured, one thread in cache: the float64 recurrence alone, without the
 * normalization, 7.1 -> 5.6 ns per point at lmax = 4, 25 -> 14 at 8, 102 -> 54 at 16; the whole forward pass
 * (benchmarks/sh_native_per_point.py) within noise at lmax = 4 and 5-12% faster at 8-24 in float64, within noise
 * to 5% faster in float32, where a whole block of 32 floats as one vector was 10-30% slower; the same bits.) */
#define VEC NAME(vec)
#define LOAD(p) ({ VEC loaded_; memcpy(&loaded_, (p), sizeof loaded_); loaded_; })
#define STORE(p, v) do { const VEC stored_ = (v); memcpy((p), &stored_, sizeof stored_); } while (0)

#define REAL double
#define BLOCK 16
#define LANES 16
#define FLAT_MAX_DEGREE 16

/* dst[j] = q[index[j]] * pattern[j] for j < total */
static inline void assay_sh_gather_scaled_f64(int64_t total, const double *q, const int32_t *index,
                                              const double *pattern, double *dst)
{
    int64_t j = 0;
#if defined(__AVX512F__)
    for (; j + 8 <= total; j += 8) {
        const __m512d v = _mm512_i32gather_pd(_mm256_loadu_si256((const __m256i *)(index + j)), q, 8);
        _mm512_storeu_pd(dst + j, _mm512_mul_pd(v, _mm512_loadu_pd(pattern + j)));
    }
#endif
    for (; j < total; ++j) dst[j] = q[index[j]] * pattern[j];
}

/* dst[k] = q[k * BLOCK] * scale[k] for k < count */
static inline void assay_sh_strided_scaled_f64(int64_t count, const double *q, const double *scale, double *dst)
{
    int64_t k = 0;
#if defined(__AVX512F__)
    const __m256i stride = _mm256_setr_epi32(0, BLOCK, 2 * BLOCK, 3 * BLOCK, 4 * BLOCK, 5 * BLOCK, 6 * BLOCK,
                                             7 * BLOCK);
    for (; k < count; k += 8) {
        const int64_t left = count - k;
        const __mmask8 lanes = left >= 8 ? (__mmask8)0xff : (__mmask8)((1u << left) - 1);
        const __m512d v = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), lanes, stride, q + k * BLOCK, 8);
        _mm512_mask_storeu_pd(dst + k, lanes, _mm512_mul_pd(v, _mm512_maskz_loadu_pd(lanes, scale + k)));
    }
#endif
    for (; k < count; ++k) dst[k] = q[k * BLOCK] * scale[k];
}

#define SQRT sqrt
#define FABS fabs
#define NAME(x) assay_sh_##x##_f64
typedef REAL NAME(vec) __attribute__((vector_size(LANES * sizeof(REAL))));
#include "_sh_native_body.h"
#undef REAL
#undef BLOCK
#undef SQRT
#undef FABS
#undef NAME
#undef LANES
#undef FLAT_MAX_DEGREE

#define REAL float
#define BLOCK 32
#define LANES 16
#define FLAT_MAX_DEGREE 8

static inline void assay_sh_gather_scaled_f32(int64_t total, const float *q, const int32_t *index,
                                              const float *pattern, float *dst)
{
    int64_t j = 0;
#if defined(__AVX512F__)
    for (; j + 16 <= total; j += 16) {
        const __m512 v = _mm512_i32gather_ps(_mm512_loadu_si512((const void *)(index + j)), q, 4);
        _mm512_storeu_ps(dst + j, _mm512_mul_ps(v, _mm512_loadu_ps(pattern + j)));
    }
#endif
    for (; j < total; ++j) dst[j] = q[index[j]] * pattern[j];
}

static inline void assay_sh_strided_scaled_f32(int64_t count, const float *q, const float *scale, float *dst)
{
    int64_t k = 0;
#if defined(__AVX512F__)
    const __m512i stride = _mm512_setr_epi32(0, BLOCK, 2 * BLOCK, 3 * BLOCK, 4 * BLOCK, 5 * BLOCK, 6 * BLOCK,
                                             7 * BLOCK, 8 * BLOCK, 9 * BLOCK, 10 * BLOCK, 11 * BLOCK, 12 * BLOCK,
                                             13 * BLOCK, 14 * BLOCK, 15 * BLOCK);
    for (; k < count; k += 16) {
        const int64_t left = count - k;
        const __mmask16 lanes = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
        const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, stride, q + k * BLOCK, 4);
        _mm512_mask_storeu_ps(dst + k, lanes, _mm512_mul_ps(v, _mm512_maskz_loadu_ps(lanes, scale + k)));
    }
#endif
    for (; k < count; ++k) dst[k] = q[k * BLOCK] * scale[k];
}

#define SQRT sqrtf
#define FABS fabsf
#define NAME(x) assay_sh_##x##_f32
typedef REAL NAME(vec) __attribute__((vector_size(LANES * sizeof(REAL))));
#include "_sh_native_body.h"
