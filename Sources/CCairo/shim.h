// cairo (with its PDF surface), pango over cairo, and fontconfig as pango uses it: the text and PDF
// stack behind VigilDocuments, the only module that imports CCairo. Everything used imports as it
// is; fontconfig is named only so that VigilDocuments can initialise it once, before pango starts.
#ifndef VIGIL_CCAIRO_SHIM_H
#define VIGIL_CCAIRO_SHIM_H

#include <cairo.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#endif
