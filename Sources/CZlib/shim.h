#include <zlib.h>
// inflateInit2 is a macro; Swift cannot call it directly.
static inline int folio_inflateInit2(z_stream *strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
