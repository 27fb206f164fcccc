// Vector square roots for the optimiser loops. Swift on Linux lowers
// Float.squareRoot() to a call of libm's sqrtf (which may set errno), so a SIMD8
// square root becomes eight scalar calls with a branch each; Clang's elementwise
// built-in is one vsqrtps (two sqrtps without AVX). Both are IEEE square roots,
// correctly rounded, so the results are the same bits as sqrtf's.
typedef float folio_float8 __attribute__((ext_vector_type(8)));

static inline folio_float8 folio_sqrt8(folio_float8 x) { return __builtin_elementwise_sqrt(x); }

// Asks for the cache line at p ahead of use; no fault for any address, no effect on
// results. The Winograd backward pass reads each chunk's input a chunk's work after
// the forward pass last touched it, from memory.
static inline void folio_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
