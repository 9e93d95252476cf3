// sd_notify imports as it is; this header only names it, so VigilSystemd alone imports CSystemd.
#ifndef VIGIL_CSYSTEMD_SHIM_H
#define VIGIL_CSYSTEMD_SHIM_H

#include <systemd/sd-daemon.h>

#endif
