#ifndef TRAILMILL_CLIBPQ_SHIM_H
#define TRAILMILL_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
