// The portable side: rounding, packing, dispatch and the reference product.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bf16_internal.h"

int perplex_bf16_cpu_has_avx512bf16(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") ? 1 : 0;
#else
    return 0;
#endif
}

int perplex_bf16_fast_path(void) {
    // -1: not yet decided. A race between two first callers writes the same value.
    static int decided = -1;
    if (decided < 0) {
        const char *off = getenv("PERPLEX_NO_BF16");
        int disabled = off != NULL && off[0] != '\0' && strcmp(off, "0") != 0;
        decided = !disabled && perplex_bf16_cpu_has_avx512bf16();
    }
    return decided;
}

static inline uint32_t bits_of(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline float float_of(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

uint16_t perplex_bf16_round(float x) {
    uint32_t u = bits_of(x);
    uint32_t exponent = u & 0x7F800000u;
    if (exponent == 0) return (uint16_t)((u >> 16) & 0x8000u);  // zero or denormal: signed zero
    if (exponent == 0x7F800000u) {
        // Infinity keeps its bits; a NaN keeps its top bits and becomes quiet.
        uint16_t top = (uint16_t)(u >> 16);
        return (u & 0x007FFFFFu) ? (uint16_t)(top | 0x0040u) : top;
    }
    return (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

float perplex_bf16_to_float(uint16_t x) { return float_of((uint32_t)x << 16); }

void perplex_bf16_convert_reference(const float *src, uint16_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = perplex_bf16_round(src[i]);
}

void perplex_bf16_convert(const float *src, uint16_t *dst, size_t n) {
#if defined(__x86_64__)
    if (perplex_bf16_fast_path()) {
        perplex_bf16_convert_avx512(src, dst, n);
        return;
    }
#endif
    perplex_bf16_convert_reference(src, dst, n);
}

size_t perplex_bf16_padded_k(size_t k) { return (k + 1) & ~(size_t)1; }

static size_t panels_of(size_t n) { return (n + 15) / 16; }

size_t perplex_bf16_packed_b_count(size_t k, size_t n) { return panels_of(n) * perplex_bf16_padded_k(k) * 16; }

void perplex_bf16_pack_a(const float *a, size_t lda, int transposed, size_t m, size_t k, uint16_t *out) {
    size_t kp = perplex_bf16_padded_k(k);
    if (!transposed) {
        for (size_t i = 0; i < m; i++) {
            perplex_bf16_convert(a + i * lda, out + i * kp, k);
            if (kp != k) out[i * kp + k] = 0;
        }
        return;
    }
    perplex_bf16_pack_a_transposed_range(a, lda, m, k, 0, k, out);
}

void perplex_bf16_pack_a_transposed_range(
    const float *a, size_t lda, size_t m, size_t k, size_t k_begin, size_t k_end, uint16_t *out) {
    if (k_begin >= k_end) return;
#if defined(__x86_64__)
    if (perplex_bf16_fast_path()) {
        perplex_bf16_pack_a_transposed_avx512(a, lda, m, k, k_begin, k_end, out);
        return;
    }
#endif
    // Source [k, m] (a gradient dY read as dYᵀ): blocks of 64 output rows × 32 k, so the block
    // being written (64 cache lines) stays in L1 while two source rows at a time are converted
    // and spread over it as 32-bit pairs (one k at a time over all m rows was 3× slower, 64 rows with all k 2×).
    // The 32 source rows of a block of k are read front to back, which the prefetcher follows.
    size_t kp = perplex_bf16_padded_k(k);
    uint16_t even[64], odd[64];
    for (size_t k0 = k_begin; k0 < k_end; k0 += 32) {
        size_t k1 = k_end - k0 < 32 ? k_end : k0 + 32;
        for (size_t i0 = 0; i0 < m; i0 += 64) {
            size_t w = m - i0 < 64 ? m - i0 : 64;
            for (size_t kk = k0; kk < k1; kk += 2) {
                perplex_bf16_convert(a + kk * lda + i0, even, w);
                if (kk + 1 < k)
                    perplex_bf16_convert(a + (kk + 1) * lda + i0, odd, w);
                else
                    memset(odd, 0, sizeof odd);
                for (size_t i = 0; i < w; i++) {
                    uint32_t pair = (uint32_t)even[i] | (uint32_t)odd[i] << 16;
                    memcpy(out + (i0 + i) * kp + kk, &pair, sizeof pair);
                }
            }
        }
    }
}

void perplex_bf16_pack_b(const float *b, size_t ldb, int transposed, size_t k, size_t n, uint16_t *out) {
    size_t kp = perplex_bf16_padded_k(k), pairs = kp / 2, panels = panels_of(n);
    memset(out, 0, perplex_bf16_packed_b_count(k, n) * sizeof *out);
    if (transposed) {
        // Source [n, k]: column j of B is source row j, converted whole, then its pairs spread
        // one 32-bit word per 16 columns.
        uint16_t *row = calloc(kp ? kp : 2, sizeof *row);
        for (size_t j = 0; j < n; j++) {
            perplex_bf16_convert(b + j * ldb, row, k);
            uint16_t *dst = out + (j / 16) * pairs * 32 + 2 * (j % 16);
            for (size_t q = 0; q < pairs; q++) memcpy(dst + q * 32, row + 2 * q, 2 * sizeof *row);
        }
        free(row);
        return;
    }
    // Source [k, n]: rows 2q and 2q+1 converted, then interleaved into the panels.
    uint16_t *even = malloc((n ? n : 1) * sizeof *even);
    uint16_t *odd = calloc(n ? n : 1, sizeof *odd);
    for (size_t q = 0; q < pairs; q++) {
        perplex_bf16_convert(b + 2 * q * ldb, even, n);
        if (2 * q + 1 < k)
            perplex_bf16_convert(b + (2 * q + 1) * ldb, odd, n);
        else
            memset(odd, 0, n * sizeof *odd);
        for (size_t p = 0; p < panels; p++) {
            uint16_t *dst = out + (p * pairs + q) * 32;
            size_t width = n - 16 * p < 16 ? n - 16 * p : 16;
            for (size_t j = 0; j < width; j++) {
                dst[2 * j] = even[16 * p + j];
                dst[2 * j + 1] = odd[16 * p + j];
            }
        }
    }
    free(even);
    free(odd);
}

// VDPBF16PS reads denormal inputs as zero and flushes denormal results to zero.
static inline float flushed(float x) { return fpclassify(x) == FP_SUBNORMAL ? copysignf(0.0f, x) : x; }

void perplex_bf16_gemm_reference(
    const uint16_t *a, size_t m, size_t k, const uint16_t *b, size_t n, size_t first_panel, size_t end_panel,
    float *c, size_t ldc, int accumulate, const float *bias) {
    size_t kp = perplex_bf16_padded_k(k), pairs = kp / 2;
    for (size_t p = first_panel; p < end_panel; p++) {
        const uint16_t *panel = b + p * pairs * 32;
        size_t width = n - 16 * p < 16 ? n - 16 * p : 16;
        for (size_t i = 0; i < m; i++) {
            const uint16_t *row = a + i * kp;
            for (size_t j = 0; j < width; j++) {
                float *out = c + i * ldc + 16 * p + j;
                float sum = accumulate ? flushed(*out) : bias ? flushed(bias[16 * p + j]) : 0.0f;
                for (size_t q = 0; q < pairs; q++) {
                    const uint16_t *pair = panel + q * 32 + 2 * j;
                    sum = flushed(fmaf(
                        flushed(perplex_bf16_to_float(row[2 * q + 1])), flushed(perplex_bf16_to_float(pair[1])), sum));
                    sum = flushed(fmaf(
                        flushed(perplex_bf16_to_float(row[2 * q])), flushed(perplex_bf16_to_float(pair[0])), sum));
                }
                *out = sum;
            }
        }
    }
}

void perplex_bf16_gemm(
    const uint16_t *a, size_t m, size_t k, const uint16_t *b, size_t n, size_t first_panel, size_t end_panel,
    float *c, size_t ldc, int accumulate, const float *bias) {
#if defined(__x86_64__)
    if (perplex_bf16_fast_path()) {
        perplex_bf16_gemm_avx512(a, m, k, b, n, first_panel, end_panel, c, ldc, accumulate, bias);
        return;
    }
#endif
    perplex_bf16_gemm_reference(a, m, k, b, n, first_panel, end_panel, c, ldc, accumulate, bias);
}
