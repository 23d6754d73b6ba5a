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

// Two source rows' 16 floats as 16 bfloat16 pairs: dword i = (row0[i], row1[i]).
BF16_INLINE __m512i pairs_of(const float *row0, const float *row1) {
    __m256bh e = _mm512_cvtneps_pbh(_mm512_loadu_ps(row0));
    __m256bh o = _mm512_cvtneps_pbh(_mm512_loadu_ps(row1));
    return _mm512_or_si512(
        _mm512_cvtepu16_epi32((__m256i)e), _mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)o), 16));
}

// out[i] = (r[0][i], ..., r[15][i]): a 16 × 16 transposition of 32-bit words.
BF16_INLINE void transpose16(__m512i r[16]) {
    __m512i t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    // u[4g + e], lane L: column 4L + e of rows 4g..4g+3.
    for (int g = 0; g < 16; g += 4) {
        u[g] = _mm512_unpacklo_epi64(t[g], t[g + 2]);
        u[g + 1] = _mm512_unpackhi_epi64(t[g], t[g + 2]);
        u[g + 2] = _mm512_unpacklo_epi64(t[g + 1], t[g + 3]);
        u[g + 3] = _mm512_unpackhi_epi64(t[g + 1], t[g + 3]);
    }
    // Lane L of u[e], u[4 + e], u[8 + e], u[12 + e] is column 4L + e: a 4 × 4 transposition of lanes.
    for (int e = 0; e < 4; e++) {
        __m512i v0 = _mm512_shuffle_i32x4(u[e], u[4 + e], 0x88), v1 = _mm512_shuffle_i32x4(u[e], u[4 + e], 0xDD);
        __m512i v2 = _mm512_shuffle_i32x4(u[8 + e], u[12 + e], 0x88), v3 = _mm512_shuffle_i32x4(u[8 + e], u[12 + e], 0xDD);
        r[e] = _mm512_shuffle_i32x4(v0, v2, 0x88);
        r[8 + e] = _mm512_shuffle_i32x4(v0, v2, 0xDD);
        r[4 + e] = _mm512_shuffle_i32x4(v1, v3, 0x88);
        r[12 + e] = _mm512_shuffle_i32x4(v1, v3, 0xDD);
    }
}

// pairs_of for the last block of a range: source rows at or past `rows` read as zero (not read).
BF16_INLINE __m512i pairs_of_first(const float *row0, size_t lda, size_t rows, int q) {
    __m512 e = 2 * (size_t)q < rows ? _mm512_loadu_ps(row0) : _mm512_setzero_ps();
    __m512 o = 2 * (size_t)q + 1 < rows ? _mm512_loadu_ps(row0 + lda) : _mm512_setzero_ps();
    return _mm512_or_si512(
        _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(e)),
        _mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(o)), 16));
}

BF16_TARGET void perplex_bf16_pack_a_transposed_avx512(
    const float *a, size_t lda, size_t m, size_t k, size_t k_begin, size_t k_end, uint16_t *out) {
    // Blocks of 16 rows × 16 pairs, transposed in registers: one 64-byte store per output row
    // instead of 16 scattered 4-byte ones. Row blocks outermost, so each output row is written
    // whole at once (its 64-byte pieces straddle cache lines: with k outermost each line was
    // fetched twice, and 10000 × 700 took 4× as long as a plain conversion). The last block of
    // k (fewer than 32 rows, and the padding) goes the same way with masked stores; one value
    // at a time it was a fifth of the whole pass.
    size_t kp = perplex_bf16_padded_k(k), m16 = m / 16 * 16;
    size_t end = k_end == k ? kp : k_end;  // the padding column belongs to the last range
    for (size_t i0 = 0; i0 < m16; i0 += 16)
        for (size_t k0 = k_begin; k0 < end; k0 += 32) {
            __m512i r[16];
            size_t rows = k_end - k0;  // source rows left in the range
            if (rows >= 32) {
                for (int q = 0; q < 16; q++) {
                    const float *row0 = a + (k0 + 2 * q) * lda + i0;
                    r[q] = pairs_of(row0, row0 + lda);
                }
                transpose16(r);
                for (int i = 0; i < 16; i++) _mm512_storeu_si512(out + (i0 + i) * kp + k0, r[i]);
            } else {
                for (int q = 0; q < 16; q++) r[q] = pairs_of_first(a + (k0 + 2 * q) * lda + i0, lda, rows, q);
                transpose16(r);
                __mmask32 mask = (__mmask32)((1ull << (end - k0)) - 1);
                for (int i = 0; i < 16; i++) _mm512_mask_storeu_epi16(out + (i0 + i) * kp + k0, mask, r[i]);
            }
        }
    // Rows past the last 16 one value at a time.
    for (size_t i = m16; i < m; i++)
        for (size_t kk = k_begin; kk < end; kk++) out[i * kp + kk] = kk < k ? perplex_bf16_round(a[kk * lda + i]) : 0;
}

enum {
    ROWS = 6,    // rows of A per micro-tile
    PANELS = 4,  // panels of 16 columns per micro-tile: 6 × 4 accumulators of 16 floats
    MAX_PAIRS = 96,  // pairs of k per block: a 4-panel sliver of B is 24 KB, inside a 32 KB L1
    BLOCK_ROWS = 240,  // rows of A per block: 240 × 96 pairs × 4 B = 90 KB, well inside L2
    COLUMN_PANELS = 16  // panels per column block: C's 240 × 256 floats (240 KB) stay in L2
};

// C[rows, panels × 16] (+)= A[rows, pairs] · B-sliver, all in registers. `rows` and `panels` are
// constants at every call site (the switch below), so the accumulators stay in registers.
BF16_INLINE void tile(
    int rows, int panels, const uint16_t *a, size_t lda, const uint16_t *b, size_t panel_stride, size_t pairs,
    float *c, size_t ldc, int load_c, const float *bias, __mmask16 last_mask) {
    __m512 acc[ROWS][PANELS];
    if (!load_c)
        // C's lines requested for writing now, so the stores at the end do not wait for them from
        // memory (the decoder's 700 × 10000 output does not fit in any cache).
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < panels; j++) _mm_prefetch((const char *)(c + i * ldc + 16 * j), _MM_HINT_ET0);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < panels; j++) {
            __mmask16 mask = j == panels - 1 ? last_mask : (__mmask16)0xFFFF;
            acc[i][j] = load_c ? _mm512_maskz_loadu_ps(mask, c + i * ldc + 16 * j)
                        : bias ? _mm512_maskz_loadu_ps(mask, bias + 16 * j)
                               : _mm512_setzero_ps();
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

#define TILE_ROWS(R)                                                                             \
    switch (panels) {                                                                            \
    case 4: tile(R, 4, a, lda, b, panel_stride, pairs, c, ldc, load_c, bias, last_mask); break;  \
    case 3: tile(R, 3, a, lda, b, panel_stride, pairs, c, ldc, load_c, bias, last_mask); break;  \
    case 2: tile(R, 2, a, lda, b, panel_stride, pairs, c, ldc, load_c, bias, last_mask); break;  \
    default: tile(R, 1, a, lda, b, panel_stride, pairs, c, ldc, load_c, bias, last_mask); break; \
    }

static BF16_TARGET void tile_any(
    int rows, int panels, const uint16_t *a, size_t lda, const uint16_t *b, size_t panel_stride, size_t pairs,
    float *c, size_t ldc, int load_c, const float *bias, __mmask16 last_mask) {
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
    float *c, size_t ldc, int accumulate, const float *bias) {
    size_t kp = perplex_bf16_padded_k(k), pairs = kp / 2, panel_stride = pairs * 32;
    size_t all_panels = (n + 15) / 16;
    if (end_panel > all_panels) end_panel = all_panels;
    if (m == 0 || first_panel >= end_panel) return;
    __mmask16 tail_mask = (n % 16) ? (__mmask16)((1u << (n % 16)) - 1) : (__mmask16)0xFFFF;
    if (pairs == 0) {
        // No k: C = 0 or the bias, or C unchanged (up to flushing, which an empty sum skips).
        if (!accumulate)
            for (size_t i = 0; i < m; i++)
                for (size_t p = first_panel; p < end_panel; p++) {
                    __mmask16 mask = p == all_panels - 1 ? tail_mask : 0xFFFF;
                    __m512 start = bias ? _mm512_maskz_loadu_ps(mask, bias + 16 * p) : _mm512_setzero_ps();
                    _mm512_mask_storeu_ps(c + i * ldc + 16 * p, mask, start);
                }
        return;
    }
    // Equal blocks of pairs: the sum in C between blocks is Float32, so blocking changes nothing.
    size_t blocks = (pairs + MAX_PAIRS - 1) / MAX_PAIRS;
    size_t block_pairs = (pairs + blocks - 1) / blocks;
    // Blocks of 16 panels, then of rows, then of k, then 4-panel slivers of B (in L1) over the
    // block's rows in tiles: the C block (240 × 256 floats) and the A block stay in L2 while every
    // block of k passes over them, so C is read from memory at most once (with k outermost the
    // weight gradient's 10000 × 200 sum over 700 k was 1.4× slower).
    for (size_t p0 = first_panel; p0 < end_panel; p0 += COLUMN_PANELS) {
        size_t p1 = end_panel - p0 < COLUMN_PANELS ? end_panel : p0 + COLUMN_PANELS;
        for (size_t r0 = 0; r0 < m; r0 += BLOCK_ROWS) {
            size_t r1 = m - r0 < BLOCK_ROWS ? m : r0 + BLOCK_ROWS;
            for (size_t q0 = 0; q0 < pairs; q0 += block_pairs) {
                size_t qn = pairs - q0 < block_pairs ? pairs - q0 : block_pairs;
                int load_c = accumulate || q0 > 0;
                for (size_t p = p0; p < p1; p += PANELS) {
                    int panels = (int)(p1 - p < PANELS ? p1 - p : PANELS);
                    __mmask16 last_mask = p + panels == all_panels ? tail_mask : (__mmask16)0xFFFF;
                    const uint16_t *bp = b + p * panel_stride + q0 * 32;
                    for (size_t r = r0; r < r1; r += ROWS) {
                        int rows = (int)(r1 - r < ROWS ? r1 - r : ROWS);
                        tile_any(
                            rows, panels, a + r * kp + 2 * q0, kp, bp, panel_stride, qn, c + r * ldc + 16 * p, ldc,
                            load_c, bias ? bias + 16 * p : NULL, last_mask);
                    }
                }
            }
        }
    }
}
#endif
