// Vector square roots for the optimiser loops. Swift on Linux lowers
// Float.squareRoot() to a call of libm's sqrtf (which may set errno), so a SIMD8
// square root becomes eight scalar calls with a branch each; Clang's elementwise
// built-in is one vsqrtps (two sqrtps without AVX). Both are IEEE square roots,
// correctly rounded, so the results are the same bits as sqrtf's.
typedef float folio_float8 __attribute__((ext_vector_type(8)));

static inline folio_float8 folio_sqrt8(folio_float8 x) { return __builtin_elementwise_sqrt(x); }
