#include <pango/pangocairo.h>
// PANGO_PIXELS and friends are macros; expose them as functions.
static inline int folio_pango_pixels(int d) { return PANGO_PIXELS(d); }
static inline int folio_pango_scale(void) { return PANGO_SCALE; }
