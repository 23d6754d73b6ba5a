#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Hints that the cache line holding `address` will soon be read and written (it never faults, so
/// any address is allowed). Swift has no prefetch of its own; this inlines to one instruction.
static inline void prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
