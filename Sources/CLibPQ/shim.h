// libpq imports as it is; this header only names it, so VigilStore alone imports CLibPQ.
#ifndef VIGIL_CLIBPQ_SHIM_H
#define VIGIL_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
