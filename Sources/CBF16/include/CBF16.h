#ifndef CBF16_H
#define CBF16_H

#include <stddef.h>
#include <stdint.h>

// bfloat16 matrix products accumulating in Float32, with an AVX-512 BF16 (VDPBF16PS) path chosen
// at run time and a portable reference that rounds the same way and adds in the same order, so
// the two agree bit for bit (tests compare them; docs/performance.md, "bfloat16 kernels").
//
// Numerics (Intel's definitions of VCVTNEPS2BF16 and VDPBF16PS, which neither read nor write
// MXCSR): Float32 -> bfloat16 rounds to nearest even, keeps NaN a quiet NaN and turns Float32
// denormals into zero of the same sign. A product adds, for each pair of k (2q, 2q+1), first
// a[2q+1]*b[2q+1] then a[2q]*b[2q] to the Float32 sum, each as one fused multiply-add rounded to
// nearest even, denormal inputs read as zero and denormal results flushed to zero. An odd K has
// a zero appended (its pair adds +0 first). The sum starts from C when accumulating, else from +0,
// and goes over the pairs in order.
//
// Layouts: A is packed to rows of kp = K rounded up to even bfloat16 (zero-padded); B is packed
// into panels of 16 columns, panel p holding for each pair q the 16 columns' two values
// (out[(p * kp / 2 + q) * 32 + 2 * j + t] = B[2q + t, 16p + j]), the last panel zero-padded.

/// Whether this CPU executes AVX-512 BF16 (VDPBF16PS), whatever the environment says.
int perplex_bf16_cpu_has_avx512bf16(void);

/// Whether products take the AVX-512 BF16 path: the CPU has it and PERPLEX_NO_BF16 is unset,
/// empty or "0" (read once, on the first call).
int perplex_bf16_fast_path(void);

/// Float32 -> bfloat16 bits, round to nearest even (see above).
uint16_t perplex_bf16_round(float x);

/// bfloat16 bits -> Float32 (exact).
float perplex_bf16_to_float(uint16_t x);

/// dst[i] = round(src[i]) for i < n: the fast path when it is on, else the portable loop.
void perplex_bf16_convert(const float *src, uint16_t *dst, size_t n);

/// The portable conversion loop (what `perplex_bf16_convert` does without the fast path).
void perplex_bf16_convert_reference(const float *src, uint16_t *dst, size_t n);

/// Even K: the row length of a packed A and twice the pairs of a packed B.
size_t perplex_bf16_padded_k(size_t k);

/// Elements of a packed B[k, n]: panels(n) * padded_k(k) * 16.
size_t perplex_bf16_packed_b_count(size_t k, size_t n);

/// A[m, k] into m rows of padded_k(k) bfloat16 (m * padded_k(k) elements at out). `transposed`:
/// the source is stored as [k, m] (A = Sᵀ); `lda` is the source's row stride.
void perplex_bf16_pack_a(const float *a, size_t lda, int transposed, size_t m, size_t k, uint16_t *out);

/// Columns k_begin..<k_end of A = Sᵀ [m, k] packed as perplex_bf16_pack_a does (rows of
/// padded_k(k) at out), from rows k_begin..<k_end of S [k, m] (`a` is S's first row, rows lda
/// apart): a gradient converted a block of rows at a time while the rows are in cache. k_begin is
/// even, and so is k_end unless it is k (then the padding column is written too). The same bits
/// as the whole packing.
void perplex_bf16_pack_a_transposed_range(
    const float *a, size_t lda, size_t m, size_t k, size_t k_begin, size_t k_end, uint16_t *out);

/// B[k, n] into panels (perplex_bf16_packed_b_count elements at out). `transposed`: the source
/// is stored as [n, k] (a weight W with B = Wᵀ); `ldb` is the source's row stride.
void perplex_bf16_pack_b(const float *b, size_t ldb, int transposed, size_t k, size_t n, uint16_t *out);

/// C[m, columns of panels first_panel..<end_panel] (+)= A · B from packed A (m rows of
/// padded_k(k)) and packed B (k × n); C rows ldc floats apart. Without `accumulate` each sum
/// starts from bias[column] when `bias` is not NULL (n floats), else from zero. The fast path when
/// it is on, else the portable reference. Single-threaded: callers split panels (or rows) across
/// threads.
void perplex_bf16_gemm(
    const uint16_t *a, size_t m, size_t k, const uint16_t *b, size_t n, size_t first_panel, size_t end_panel,
    float *c, size_t ldc, int accumulate, const float *bias);

/// The portable reference of `perplex_bf16_gemm` (same rounding, same order).
void perplex_bf16_gemm_reference(
    const uint16_t *a, size_t m, size_t k, const uint16_t *b, size_t n, size_t first_panel, size_t end_panel,
    float *c, size_t ldc, int accumulate, const float *bias);

#endif
