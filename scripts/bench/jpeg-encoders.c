// JPEG encoders compared on the images Vigil sends: libavcodec's MJPEG encoder (what Vigil uses)
// and TurboJPEG, at Vigil's default quality 80, on one 4:2:0 picture read from a raw file.
//
//   jpeg-encoders WIDTH HEIGHT picture.yuv [ROUNDS]
//
// Prints, for each encoder: median thread CPU milliseconds per image, bytes, and luma PSNR
// against the source (both JPEGs decoded by TurboJPEG). Built and run by scripts/bench-capture.
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <turbojpeg.h>
#include <jpeglib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double thread_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count) {
    qsort(values, count, sizeof *values, by_value);
    return values[count / 2];
}

// Luma PSNR of a JPEG against the source plane.
static double luma_psnr(tjhandle decoder, const unsigned char *jpeg, unsigned long size, const unsigned char *luma, int w, int h) {
    unsigned char *planes = malloc((size_t)tjBufSizeYUV2(w, 1, h, TJSAMP_420));
    if (tjDecompressToYUV2(decoder, jpeg, size, planes, w, 1, h, 0) != 0) { free(planes); return -1; }
    double error = 0;
    for (int i = 0; i < w * h; i++) { double d = (double)planes[i] - luma[i]; error += d * d; }
    free(planes);
    error /= (double)w * h;
    return error == 0 ? 99 : 10 * log10(255.0 * 255.0 / error);
}

// libjpeg-turbo through its libjpeg API, from the same planes, with optimised Huffman tables
// (one more pass over the coefficients; what MJPEG does by default).
static unsigned long libjpeg_optimised(const unsigned char *picture, int w, int h, int quality, unsigned char **out) {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, out, &size);
    cinfo.image_width = w; cinfo.image_height = h; cinfo.input_components = 3; cinfo.in_color_space = JCS_YCbCr;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.optimize_coding = TRUE;
    cinfo.raw_data_in = TRUE;
    cinfo.comp_info[0].h_samp_factor = 2; cinfo.comp_info[0].v_samp_factor = 2;
    cinfo.comp_info[1].h_samp_factor = 1; cinfo.comp_info[1].v_samp_factor = 1;
    cinfo.comp_info[2].h_samp_factor = 1; cinfo.comp_info[2].v_samp_factor = 1;
    jpeg_start_compress(&cinfo, TRUE);
    const unsigned char *planes[3] = { picture, picture + w * h, picture + w * h + (w / 2) * (h / 2) };
    JSAMPROW y[16], u[8], v[8];
    JSAMPARRAY data[3] = { y, u, v };
    while (cinfo.next_scanline < cinfo.image_height) {
        int line = cinfo.next_scanline;
        for (int i = 0; i < 16; i++) y[i] = (JSAMPROW)planes[0] + (size_t)(line + i < h ? line + i : h - 1) * w;
        for (int i = 0; i < 8; i++) {
            int row = line / 2 + i < h / 2 ? line / 2 + i : h / 2 - 1;
            u[i] = (JSAMPROW)planes[1] + (size_t)row * (w / 2);
            v[i] = (JSAMPROW)planes[2] + (size_t)row * (w / 2);
        }
        jpeg_write_raw_data(&cinfo, data, 16);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return size;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: jpeg-encoders WIDTH HEIGHT picture.yuv [ROUNDS]\n"); return 2; }
    int w = atoi(argv[1]), h = atoi(argv[2]), rounds = argc > 4 ? atoi(argv[4]) : 40, quality = 80;
    size_t bytes = (size_t)w * h * 3 / 2;
    unsigned char *picture = malloc(bytes);
    FILE *file = fopen(argv[3], "rb");
    if (!file || fread(picture, 1, bytes, file) != bytes) { fprintf(stderr, "cannot read %s\n", argv[3]); return 1; }
    fclose(file);
    double *times = calloc(rounds, sizeof *times);
    tjhandle decoder = tjInitDecompress();

    // libavcodec MJPEG, set up as Vigil's JPEGEncoder: full-range 4:2:0, qscale 5 for quality 80.
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    AVCodecContext *context = avcodec_alloc_context3(codec);
    context->width = w; context->height = h; context->pix_fmt = AV_PIX_FMT_YUV420P;
    context->color_range = AVCOL_RANGE_JPEG; context->time_base = (AVRational){1, 25};
    context->flags |= AV_CODEC_FLAG_QSCALE; context->thread_count = 1;
    int qscale = (100 - quality) / 5 + 1;
    context->global_quality = FF_QP2LAMBDA * qscale;
    if (avcodec_open2(context, codec, NULL) < 0) { fprintf(stderr, "cannot open the MJPEG encoder\n"); return 1; }
    AVFrame *frame = av_frame_alloc();
    frame->width = w; frame->height = h; frame->format = AV_PIX_FMT_YUV420P; frame->color_range = AVCOL_RANGE_JPEG;
    frame->data[0] = picture; frame->data[1] = picture + w * h; frame->data[2] = picture + w * h + (w / 2) * (h / 2);
    frame->linesize[0] = w; frame->linesize[1] = w / 2; frame->linesize[2] = w / 2;
    AVPacket *packet = av_packet_alloc();
    unsigned char *mjpeg = NULL; unsigned long mjpeg_size = 0;
    for (int i = 0; i < rounds; i++) {
        double start = thread_ms();
        frame->pts = i; frame->quality = context->global_quality;
        if (avcodec_send_frame(context, frame) < 0 || avcodec_receive_packet(context, packet) < 0) { fprintf(stderr, "MJPEG failed\n"); return 1; }
        times[i] = thread_ms() - start;
        if (i == rounds - 1) { mjpeg_size = packet->size; mjpeg = malloc(mjpeg_size); memcpy(mjpeg, packet->data, mjpeg_size); }
        av_packet_unref(packet);
    }
    printf("libavcodec mjpeg (qscale %d)  %6.2f ms  %7lu bytes  PSNR %.2f dB\n", qscale, median(times, rounds), mjpeg_size,
           luma_psnr(decoder, mjpeg, mjpeg_size, picture, w, h));

    // TurboJPEG from the same planes, quality 80, default (fast integer) DCT.
    tjhandle encoder = tjInitCompress();
    const unsigned char *planes[3] = { frame->data[0], frame->data[1], frame->data[2] };
    int strides[3] = { w, w / 2, w / 2 };
    unsigned char *turbo = tjAlloc((int)tjBufSize(w, h, TJSAMP_420));
    unsigned long turbo_size = 0;
    for (int i = 0; i < rounds; i++) {
        double start = thread_ms();
        turbo_size = tjBufSize(w, h, TJSAMP_420);
        if (tjCompressFromYUVPlanes(encoder, planes, w, strides, h, TJSAMP_420, &turbo, &turbo_size, quality, TJFLAG_NOREALLOC) != 0) {
            fprintf(stderr, "TurboJPEG failed: %s\n", tjGetErrorStr2(encoder)); return 1;
        }
        times[i] = thread_ms() - start;
    }
    printf("TurboJPEG (quality %d)        %6.2f ms  %7lu bytes  PSNR %.2f dB\n", quality, median(times, rounds), turbo_size,
           luma_psnr(decoder, turbo, turbo_size, picture, w, h));

    unsigned char *optimised = NULL;
    unsigned long optimised_size = 0;
    for (int i = 0; i < rounds; i++) {
        free(optimised);
        optimised = NULL;
        double start = thread_ms();
        optimised_size = libjpeg_optimised(picture, w, h, quality, &optimised);
        times[i] = thread_ms() - start;
    }
    printf("libjpeg-turbo, optimised Huffman %6.2f ms  %7lu bytes  PSNR %.2f dB\n", median(times, rounds), optimised_size,
           luma_psnr(decoder, optimised, optimised_size, picture, w, h));
    return 0;
}
