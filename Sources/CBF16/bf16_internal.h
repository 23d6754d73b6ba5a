#ifndef CBF16_INTERNAL_H
#define CBF16_INTERNAL_H

#include "CBF16.h"

// The AVX-512 BF16 functions (bf16_avx512.c); call them only when the CPU has the instructions.
void perplex_bf16_convert_avx512(const float *src, uint16_t *dst, size_t n);
void perplex_bf16_pack_a_transposed_avx512(
    const float *a, size_t lda, size_t m, size_t k, size_t k_begin, size_t k_end, uint16_t *out);
void perplex_bf16_gemm_avx512(
    const uint16_t *a, size_t m, size_t k, const uint16_t *b, size_t n, size_t first_panel, size_t end_panel,
    float *c, size_t ldc, int accumulate, const float *bias);

#endif
