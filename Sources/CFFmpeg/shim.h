// What Swift cannot import from FFmpeg directly: function-like macros and compound literals.
// Every symbol here is prefixed `vigil_` and imported by VigilCapture alone.
#ifndef VIGIL_CFFMPEG_SHIM_H
#define VIGIL_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

/// `AVERROR(e)`: an FFmpeg error code from a POSIX errno.
static inline int vigil_averror(int posix_errno) { return AVERROR(posix_errno); }
/// `AVERROR_EOF`.
static inline int vigil_averror_eof(void) { return AVERROR_EOF; }
/// `AVERROR_EXIT`: what an interrupted call returns.
static inline int vigil_averror_exit(void) { return AVERROR_EXIT; }
/// `AVERROR_INVALIDDATA`.
static inline int vigil_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
/// `AVERROR_HTTP_UNAUTHORIZED` (RTSP 401 is reported through it).
static inline int vigil_averror_http_unauthorized(void) { return AVERROR_HTTP_UNAUTHORIZED; }
/// `AVERROR_HTTP_NOT_FOUND` (RTSP 404 is reported through it).
static inline int vigil_averror_http_not_found(void) { return AVERROR_HTTP_NOT_FOUND; }
/// `AV_NOPTS_VALUE`.
static inline int64_t vigil_av_nopts_value(void) { return AV_NOPTS_VALUE; }

/// `frame->data[i]` without going through an imported tuple.
static inline uint8_t *vigil_frame_data(const AVFrame *frame, int plane) { return frame->data[plane]; }
/// `frame->linesize[i]`.
static inline int vigil_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }
/// `&frame->data[0]` as the `uint8_t *const *` that sws_scale wants.
static inline uint8_t *const *vigil_frame_planes(AVFrame *frame) { return frame->data; }
/// `&frame->linesize[0]` as the `const int *` that sws_scale wants.
static inline const int *vigil_frame_linesizes(const AVFrame *frame) { return frame->linesize; }

/// Whether a decoded frame is a keyframe, on every FFmpeg from 5.1 (`key_frame`) to 7.x (`AV_FRAME_FLAG_KEY`).
static inline int vigil_frame_is_key(const AVFrame *frame) {
#ifdef AV_FRAME_FLAG_KEY
    return (frame->flags & AV_FRAME_FLAG_KEY) != 0;
#else
    return frame->key_frame != 0;
#endif
}

#endif
