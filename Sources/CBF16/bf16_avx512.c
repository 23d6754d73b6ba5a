// The AVX-512 BF16 path. Every function carries its own target attribute, so the rest of the
// binary does not require AVX-512; perplex_bf16_fast_path() decides at run time whether to call in.
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "bf16_internal.h"

#define BF16_TARGET __attribute__((target("avx512bf16,avx512f,avx512bw,avx512vl")))
#define BF16_INLINE static inline __attribute__((always_inline)) BF16_TARGET

BF16_TARGET void perplex_bf16_convert_avx512(const float *src, uint16_t *dst, size_t n) {
    // VCVTNEPS2BF16: round to nearest even, NaN quiet, denormals to signed zero (as the reference).
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256bh h = _mm512_cvtneps_pbh(_mm512_loadu_ps(src + i));
        _mm256_storeu_si256((__m256i *)(dst + i), (__m256i)h);
    }
    if (i < n) {
        __mmask16 mask = (__mmask16)((1u << (n - i)) - 1);
        __m256bh h = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, src + i));
        _mm256_mask_storeu_epi16(dst + i, mask, (__m256i)h);
    }
}

enum {
    ROWS = 6,    // rows of A per micro-tile
    PANELS = 4,  // panels of 16 columns per micro-tile: 6 × 4 accumulators of 16 floats
    MAX_PAIRS = 96,  // pairs of k per block: a 4-panel sliver of B is 24 KB, inside a 32 KB L1
    BLOCK_ROWS = 240  // rows of A per block: 240 × 96 pairs × 4 B = 90 KB, well inside L2
};

// C[rows, panels × 16] (+)= A[rows, pairs] · B-sliver, all in registers. `rows` and `panels` are
// constants at every call site (the switch below), so the accumulators stay in registers.
BF16_INLINE void tile(
    int rows, int panels, const uint16_t *a, size_t lda, const uint16_t *b, size_t panel_stride, size_t pairs,
    float *c, size_t ldc, int load_c, __mmask16 last_mask) {
    __m512 acc[ROWS][PANELS];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < panels; j++) {
            __mmask16 mask = j == panels - 1 ? last_mask : (__mmask16)0xFFFF;
            acc[i][j] = load_c ? _mm512_maskz_loadu_ps(mask, c + i * ldc + 16 * j) : _mm512_setzero_ps();
        }
    for (size_t q = 0; q < pairs; q++) {
        __m512bh bv[PANELS];
        for (int j = 0; j < panels; j++) bv[j] = (__m512bh)_mm512_loadu_si512(b + j * panel_stride + q * 32);
        for (int i = 0; i < rows; i++) {
            int32_t pair;
            memcpy(&pair, a + i * lda + 2 * q, sizeof pair);
            __m512bh av = (__m512bh)_mm512_set1_epi32(pair);
            for (int j = 0; j < panels; j++) acc[i][j] = _mm512_dpbf16_ps(acc[i][j], av, bv[j]);
        }
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < panels; j++) {
            __mmask16 mask = j == panels - 1 ? last_mask : (__mmask16)0xFFFF;
            _mm512_mask_storeu_ps(c + i * ldc + 16 * j, mask, acc[i][j]);
        }
}

#define TILE_ROWS(R)                                                                                      \
    switch (panels) {                                                                                     \
    case 4: tile(R, 4, a, lda, b, panel_stride, pairs, c, ldc, load_c, last_mask); break;                 \
    case 3: tile(R, 3, a, lda, b, panel_stride, pairs, c, ldc, load_c, last_mask); break;                 \
    case 2: tile(R, 2, a, lda, b, panel_stride, pairs, c, ldc, load_c, last_mask); break;                 \
    default: tile(R, 1, a, lda, b, panel_stride, pairs, c, ldc, load_c, last_mask); break;                \
    }

static BF16_TARGET void tile_any(
    int rows, int panels, const uint16_t *a, size_t lda, const uint16_t *b, size_t panel_stride, size_t pairs,
    float *c, size_t ldc, int load_c, __mmask16 last_mask) {
    switch (rows) {
    case 6: TILE_ROWS(6) break;
    case 5: TILE_ROWS(5) break;
    case 4: TILE_ROWS(4) break;
    case 3: TILE_ROWS(3) break;
    case 2: TILE_ROWS(2) break;
    default: TILE_ROWS(1) break;
    }
}

BF16_TARGET void perplex_bf16_gemm_avx512(
    const uint16_t *a, size_t m, size_t k, const uint16_t *b, size_t n, size_t first_panel, size_t end_panel,
    float *c, size_t ldc, int accumulate) {
    size_t kp = perplex_bf16_padded_k(k), pairs = kp / 2, panel_stride = pairs * 32;
    size_t all_panels = (n + 15) / 16;
    if (end_panel > all_panels) end_panel = all_panels;
    if (m == 0 || first_panel >= end_panel) return;
    __mmask16 tail_mask = (n % 16) ? (__mmask16)((1u << (n % 16)) - 1) : (__mmask16)0xFFFF;
    if (pairs == 0) {
        // No k: C = 0, or C unchanged (up to flushing, which an empty sum skips).
        if (!accumulate)
            for (size_t i = 0; i < m; i++)
                for (size_t p = first_panel; p < end_panel; p++)
                    _mm512_mask_storeu_ps(
                        c + i * ldc + 16 * p, p == all_panels - 1 ? tail_mask : 0xFFFF, _mm512_setzero_ps());
        return;
    }
    // Equal blocks of pairs: the sum in C between blocks is Float32, so blocking changes nothing.
    size_t blocks = (pairs + MAX_PAIRS - 1) / MAX_PAIRS;
    size_t block_pairs = (pairs + blocks - 1) / blocks;
    for (size_t q0 = 0; q0 < pairs; q0 += block_pairs) {
        size_t qn = pairs - q0 < block_pairs ? pairs - q0 : block_pairs;
        int load_c = accumulate || q0 > 0;
        for (size_t r0 = 0; r0 < m; r0 += BLOCK_ROWS) {
            size_t r1 = m - r0 < BLOCK_ROWS ? m : r0 + BLOCK_ROWS;
            for (size_t p = first_panel; p < end_panel; p += PANELS) {
                int panels = (int)(end_panel - p < PANELS ? end_panel - p : PANELS);
                __mmask16 last_mask = p + panels == all_panels ? tail_mask : (__mmask16)0xFFFF;
                const uint16_t *bp = b + p * panel_stride + q0 * 32;
                for (size_t r = r0; r < r1; r += ROWS) {
                    int rows = (int)(r1 - r < ROWS ? r1 - r : ROWS);
                    tile_any(
                        rows, panels, a + r * kp + 2 * q0, kp, bp, panel_stride, qn, c + r * ldc + 16 * p, ldc, load_c,
                        last_mask);
                }
            }
        }
    }
}
#endif
