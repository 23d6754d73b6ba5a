#include <cblas.h>
// OpenBLAS extensions: thread count per product, and re-reading the environment so that idle
// BLAS threads stop spinning soon after a product (see BLAS.swift).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
void openblas_read_env(void);
int blas_thread_shutdown_(void);
