// Stand-alone timing of the CBF16 kernels against OpenBLAS sgemm and oneDNN's bf16 matmul on the
// LM's product shapes (docs/performance.md, "bfloat16 kernels"). Build and run: scripts/bench_bf16/run.sh
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <dnnl.h>

#include "CBF16.h"

// One thread: the calling thread's CPU time (every library runs a 1-thread product in the caller),
// so time spent descheduled while other jobs run does not count. More threads: wall time.
static int single_thread;
static double now(void) {
    struct timespec t;
    clock_gettime(single_thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

// The fastest of REPEATS runs after a warm-up: the machine is shared (other builds run beside
// this), and the fastest run is the one least disturbed by them.
#define REPEATS 9
typedef void (*body_fn)(void *);
static double best_seconds(body_fn f, void *ctx) {
    double t[REPEATS];
    f(ctx);
    for (int r = 0; r < REPEATS; r++) {
        double s = now();
        f(ctx);
        t[r] = now() - s;
    }
    qsort(t, REPEATS, sizeof *t, cmp);
    return t[0];
}

typedef struct {
    int m, n, k, ta, tb, threads;
    float *a, *b, *c;
    uint16_t *pa, *pb;
    // oneDNN
    dnnl_primitive_t prim;
    dnnl_stream_t stream;
    dnnl_exec_arg_t args[3];
} Case;

typedef struct {
    Case *c;
    size_t p0, p1;
} Slice;

static void *gemm_slice(void *arg) {
    Slice *s = arg;
    Case *c = s->c;
    perplex_bf16_gemm(c->pa, c->m, c->k, c->pb, c->n, s->p0, s->p1, c->c, c->n, 0, NULL);
    return NULL;
}

// Panels split over the threads, as Tensor's callers split them.
static void ours_kernel(void *ctx) {
    Case *c = ctx;
    size_t panels = (c->n + 15) / 16;
    pthread_t th[8];
    Slice s[8];
    for (int t = 0; t < c->threads; t++) {
        s[t] = (Slice){c, panels * t / c->threads, panels * (t + 1) / c->threads};
        if (t > 0) pthread_create(&th[t], NULL, gemm_slice, &s[t]);
    }
    gemm_slice(&s[0]);
    for (int t = 1; t < c->threads; t++) pthread_join(th[t], NULL);
}

static void ours_with_packing(void *ctx) {
    Case *c = ctx;
    perplex_bf16_pack_a(c->a, c->ta ? c->m : c->k, c->ta, c->m, c->k, c->pa);
    perplex_bf16_pack_b(c->b, c->tb ? c->k : c->n, c->tb, c->k, c->n, c->pb);
    ours_kernel(ctx);
}

static void openblas(void *ctx) {
    Case *c = ctx;
    cblas_sgemm(
        CblasRowMajor, c->ta ? CblasTrans : CblasNoTrans, c->tb ? CblasTrans : CblasNoTrans, c->m, c->n, c->k, 1, c->a,
        c->ta ? c->m : c->k, c->b, c->tb ? c->k : c->n, 0, c->c, c->n);
}

static void onednn(void *ctx) {
    Case *c = ctx;
    dnnl_primitive_execute(c->prim, c->stream, 3, c->args);
    dnnl_stream_wait(c->stream);
}

#define CHECK(x)                                                       \
    do {                                                               \
        dnnl_status_t st = (x);                                        \
        if (st != dnnl_success) {                                      \
            fprintf(stderr, "oneDNN %s failed: %d\n", #x, (int)st);   \
            exit(1);                                                   \
        }                                                              \
    } while (0)

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    openblas_set_num_threads(threads);
    single_thread = threads == 1;
    dnnl_engine_t engine;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    dnnl_stream_t stream;
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    // m, n, k, A transposed, B transposed, what it is
    struct {
        int m, n, k, ta, tb;
        const char *what;
    } shapes[] = {
        {700, 10000, 200, 0, 1, "small decoder forward x·Wᵀ"},
        {700, 200, 10000, 0, 0, "small decoder dX = dY·W"},
        {10000, 200, 700, 1, 0, "small decoder dW = dYᵀ·X"},
        {700, 10000, 650, 0, 1, "medium decoder forward"},
        {700, 650, 10000, 0, 0, "medium decoder dX"},
        {10000, 650, 700, 1, 0, "medium decoder dW"},
        {700, 800, 200, 0, 1, "small LSTM input projection"},
        {700, 2600, 650, 0, 1, "medium LSTM input projection"},
        {20, 800, 200, 0, 1, "small LSTM step h·Uᵀ"},
        {20, 2600, 650, 0, 1, "medium LSTM step h·Uᵀ"},
    };
    printf("threads %d\n", threads);
    printf("%-18s %-30s %9s %9s %9s %9s %9s\n", "m×n×k", "product", "bf16 kern", "bf16+pack", "OpenBLAS", "oneDNN", "kern/BLAS");
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        Case c = {shapes[s].m, shapes[s].n, shapes[s].k, shapes[s].ta, shapes[s].tb, threads};
        size_t m = c.m, n = c.n, k = c.k;
        c.a = malloc(4 * m * k);
        c.b = malloc(4 * k * n);
        c.c = malloc(4 * m * n);
        for (size_t i = 0; i < m * k; i++) c.a[i] = rand() / (float)RAND_MAX - 0.5f;
        for (size_t i = 0; i < k * n; i++) c.b[i] = rand() / (float)RAND_MAX - 0.5f;
        c.pa = malloc(2 * m * perplex_bf16_padded_k(k));
        c.pb = malloc(2 * perplex_bf16_packed_b_count(k, n));
        perplex_bf16_pack_a(c.a, c.ta ? m : k, c.ta, m, k, c.pa);
        perplex_bf16_pack_b(c.b, c.tb ? k : n, c.tb, k, n, c.pb);
        double flops = 2.0 * m * n * k;
        double kern = flops / best_seconds(ours_kernel, &c) / 1e9;
        double packed = flops / best_seconds(ours_with_packing, &c) / 1e9;
        double blas = flops / best_seconds(openblas, &c) / 1e9;

        // oneDNN matmul on bf16 inputs in plain (strided) layouts, Float32 output.
        uint16_t *a16 = malloc(2 * m * k), *b16 = malloc(2 * k * n);
        perplex_bf16_convert(c.a, a16, m * k);
        perplex_bf16_convert(c.b, b16, k * n);
        dnnl_memory_desc_t amd, bmd, cmd;
        dnnl_dims_t adims = {(dnnl_dim_t)m, (dnnl_dim_t)k}, bdims = {(dnnl_dim_t)k, (dnnl_dim_t)n},
                    cdims = {(dnnl_dim_t)m, (dnnl_dim_t)n};
        dnnl_dims_t astr = {c.ta ? 1 : (dnnl_dim_t)k, c.ta ? (dnnl_dim_t)m : 1};
        dnnl_dims_t bstr = {c.tb ? 1 : (dnnl_dim_t)n, c.tb ? (dnnl_dim_t)k : 1};
        dnnl_dims_t cstr = {(dnnl_dim_t)n, 1};
        CHECK(dnnl_memory_desc_init_by_strides(&amd, 2, adims, dnnl_bf16, astr));
        CHECK(dnnl_memory_desc_init_by_strides(&bmd, 2, bdims, dnnl_bf16, bstr));
        CHECK(dnnl_memory_desc_init_by_strides(&cmd, 2, cdims, dnnl_f32, cstr));
        dnnl_matmul_desc_t md;
        CHECK(dnnl_matmul_desc_init(&md, &amd, &bmd, NULL, &cmd));
        dnnl_primitive_desc_t pd;
        CHECK(dnnl_primitive_desc_create(&pd, &md, NULL, engine, NULL));
        const char *impl = "?";
        dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
        CHECK(dnnl_primitive_create(&c.prim, pd));
        dnnl_memory_t am, bm, cm;
        CHECK(dnnl_memory_create(&am, &amd, engine, a16));
        CHECK(dnnl_memory_create(&bm, &bmd, engine, b16));
        CHECK(dnnl_memory_create(&cm, &cmd, engine, c.c));
        c.stream = stream;
        c.args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, am};
        c.args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, bm};
        c.args[2] = (dnnl_exec_arg_t){DNNL_ARG_DST, cm};
        double dnn = flops / best_seconds(onednn, &c) / 1e9;
        char shape[32];
        snprintf(shape, sizeof shape, "%d×%d×%d", c.m, c.n, c.k);
        printf(
            "%-18s %-30s %9.1f %9.1f %9.1f %9.1f %9.2f  (oneDNN: %s)\n", shape, shapes[s].what, kern, packed, blas, dnn,
            kern / blas, impl);
        fflush(stdout);
        dnnl_primitive_destroy(c.prim);
        dnnl_primitive_desc_destroy(pd);
        dnnl_memory_destroy(am);
        dnnl_memory_destroy(bm);
        dnnl_memory_destroy(cm);
        free(a16);
        free(b16);
        free(c.a);
        free(c.b);
        free(c.c);
        free(c.pa);
        free(c.pb);
    }
    return 0;
}
