#include <cblas.h>
// OpenBLAS extensions used to keep small products single-threaded.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
