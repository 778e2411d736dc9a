/* The spherical-harmonics kernels of assay.kernels.so3 in C, for the CPU: the rescaled recurrence and the robust
 * normalization of the torch route (_sh_kernel.py), step for step, fused into one pass that computes a block of
 * points in cache — forward: and writes each output value once; backward: and reduces the incoming gradient
 * against it. (The two routes agree to a few units in the last place, not bit for bit: torch's vectorized
 * complex product and sums may round differently; both are held to the same accuracy contract against the
 * mpmath reference, tests/kernels/test_so3_harmonics.py.)
 *
 * Built at first use by assay.kernels._native with the system C compiler (-O3 -march=native -ffp-contract=off:
 * no fused multiply-adds, so every operation rounds as written) and called through ctypes, which releases the
 * interpreter lock, so the pool threads of assay.kernels._threads run their runs of points in parallel.
 *
 * Layout: a block of BLOCK points lives in q[k * BLOCK + b] (component k, point b), so that every step of the
 * recurrence is a short loop over the points of the block, which the compiler turns into vector operations.
 * (Measured on the 2-core machine: 16 doubles / 32 floats per block are 10% faster than 8 at lmax <= 4;
 * transposing the output in vector registers made writes to memory 1.6x slower, and specializing lmax <= 8 at
 * compile time gained nothing.)
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

#define ASSAY_SH_NATIVE_ABI 3

int assay_sh_native_abi(void) { return ASSAY_SH_NATIVE_ABI; }

/* the body of a short wait for other threads */
#if defined(__x86_64__) || defined(__i386__)
#define SPIN_PAUSE() __builtin_ia32_pause()
#else
#define SPIN_PAUSE() ((void)0)
#endif

/* max and min that return NaN when either argument is NaN (as torch.amax / torch.amin) */
#define NAN_MAX(a, b) (((a) != (a) || (a) > (b)) ? (a) : (b))
#define NAN_MIN(a, b) (((a) != (a) || (a) < (b)) ? (a) : (b))

#define REAL double
#define BLOCK 16
#define SQRT sqrt
#define FABS fabs
#define NAME(x) assay_sh_##x##_f64
#include "_sh_native_body.h"
#undef REAL
#undef BLOCK
#undef SQRT
#undef FABS
#undef NAME

#define REAL float
#define BLOCK 32
#define SQRT sqrtf
#define FABS fabsf
#define NAME(x) assay_sh_##x##_f32
#include "_sh_native_body.h"
