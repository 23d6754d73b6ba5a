#include <mpi.h>
// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, …) are macros that cast
// the addresses of library globals, which Swift cannot import: these functions return them.
static inline MPI_Comm perplex_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype perplex_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype perplex_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype perplex_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op perplex_mpi_sum(void) { return MPI_SUM; }
static inline void *perplex_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Datatype perplex_mpi_int32(void) { return MPI_INT32_T; }
