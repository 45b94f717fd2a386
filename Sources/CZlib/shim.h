#ifndef TRAILMILL_CZLIB_SHIM_H
#define TRAILMILL_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 and deflateInit2 are function-like macros that Swift cannot call; wrap them. */
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int CZlib_deflateInit2(z_streamp stream, int level, int windowBits, int memLevel) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY);
}
#endif
