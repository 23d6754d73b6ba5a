// Checks the rounding rules CBF16's portable reference assumes against the CPU's own
// VCVTNEPS2BF16 and VDPBF16PS, one instruction at a time on random operands (all bfloat16 bit
// patterns: denormals, infinities, NaN; sums into the denormal range):
//   conversion: round to nearest even, NaN made quiet, denormals to signed zero;
//   dot product: per lane, sum = fma(odd pair, sum) then fma(even pair, sum), each rounded to
//   nearest even, denormal inputs read as zero and denormal results flushed to zero.
// Build: cc -O2 -mavx512bf16 -mavx512f -mavx512bw -mavx512vl -mfma vdpbf16ps_semantics.c -lm
// Prints the mismatches; both were 0 on AMD EPYC (Zen 4) and Intel Xeon (Sapphire Rapids).
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t state = 7;
static uint32_t next(void) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static float float_of(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t bits_of(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint16_t round_bf16(float x) {
    uint32_t u = bits_of(x), e = u & 0x7F800000u;
    if (!e) return (u >> 16) & 0x8000u;
    if (e == 0x7F800000u) return (u & 0x7FFFFFu) ? (uint16_t)((u >> 16) | 0x40u) : (uint16_t)(u >> 16);
    return (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

static float flushed(float x) { return fpclassify(x) == FP_SUBNORMAL ? copysignf(0, x) : x; }
static float widened(uint16_t h) { return flushed(float_of((uint32_t)h << 16)); }

int main(void) {
    long dot_mismatches = 0, conversion_mismatches = 0;
    for (long t = 0; t < 2000000; t++) {
        float a[16], c[16], o[16];
        uint16_t x[32], y[32], h[16];
        for (int i = 0; i < 16; i++) {
            int extra = t % 3 ? next() % 60 : next() % 250;
            a[i] = ldexpf((int)(next() % 20000) - 10000, (int)(next() % 60) - 30 - (t % 5 ? 0 : extra));
            c[i] = ldexpf((int)(next() % 20000) - 10000, (int)(next() % 80) - 40 - (t % 7 ? 0 : 100));
        }
        for (int i = 0; i < 32; i++) {
            x[i] = next() & 0xFFFF;
            y[i] = next() & 0xFFFF;
            if (t % 2) x[i] = round_bf16(float_of(next()));
        }
        __m256bh converted = _mm512_cvtneps_pbh(_mm512_loadu_ps(a));
        memcpy(h, &converted, 32);
        for (int i = 0; i < 16; i++) conversion_mismatches += h[i] != round_bf16(a[i]);
        __m512 sum = _mm512_dpbf16_ps(
            _mm512_loadu_ps(c), (__m512bh)_mm512_loadu_si512(x), (__m512bh)_mm512_loadu_si512(y));
        _mm512_storeu_ps(o, sum);
        for (int i = 0; i < 16; i++) {
            float s = flushed(c[i]);
            s = flushed(fmaf(widened(x[2 * i + 1]), widened(y[2 * i + 1]), s));
            s = flushed(fmaf(widened(x[2 * i]), widened(y[2 * i]), s));
            if (isnan(s) && isnan(o[i])) continue;
            if (bits_of(s) != bits_of(o[i])) {
                if (dot_mismatches < 3) printf("expected %a, got %a\n", s, o[i]);
                dot_mismatches++;
            }
        }
    }
    printf("dp mismatches %ld, cvt mismatches %ld\n", dot_mismatches, conversion_mismatches);
    return dot_mismatches || conversion_mismatches;
}
