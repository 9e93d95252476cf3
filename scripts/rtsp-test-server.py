#!/usr/bin/python3
"""Synthetic RTSP cameras for Vigil's tests, benchmarks and demo.

Serves each camera on its own path of rtsp://127.0.0.1:PORT/. Every camera is a short clip encoded
once with the ffmpeg CLI (cached in --clips) and fed through appsrc with ever-increasing timestamps,
so it loops forever at about 2 % of a core (measured, 1080p) instead of the ~20 % of live x264 encoding.

A clip is a solid colour (so tests can tell cameras apart by pixel colour) and, by scene:
  scene=moving (default)  a moving test pattern in its top quarter: there is always motion to see;
  scene=static            a still grid with sensor noise (every pixel of every frame jitters by up to
                          --noise levels) and the encoder's artefacts: nothing happens;
  scene=event             the static scene, where a dark person-sized shape (10 % x 35 % of the
                          picture, 3.5 % of its area) appears for `event` seconds every `period` seconds
                          (from the start of each period);
  scene=light             the static scene whose whole picture is 20 % darker for the second half of
                          each `period` (a light switched off and on).

    rtsp-test-server.py --port 8554 --camera path=cam1,codec=h264,size=1920x1080,fps=25,gop=2,color=0xC03020
                        --camera path=door,codec=h265,size=1280x720

Camera keys: path (required), codec h264|h265|mjpeg (h264), size WxH (1920x1080), fps (25),
gop seconds between keyframes (2), color 0xRRGGBB (from a palette), seconds clip length (10; for
event and light scenes the clip is one period), scene moving|static|event|light (moving), period
seconds (10), event seconds (3), noise strength 0-100 (10).
--auth USER:PASSWORD requires basic authentication on every path of the server (run a second
instance for cameras that need none).

Prints "ready rtsp://127.0.0.1:PORT" on stdout once listening; stops on SIGTERM or SIGINT.
Must run under Debian's /usr/bin/python3 (python3-gi), not a pyenv build.
"""
import argparse
import hashlib
import os
import signal
import subprocess
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PALETTE = ["0xC03020", "0x2040C0", "0x20A040", "0xD0B020", "0x9030A0", "0x20A0A0", "0xE07010", "0x808080"]

AUD = {
    "h264": b"\x00\x00\x00\x01\x09",
    "h265": b"\x00\x00\x00\x01\x46\x01",
    "mjpeg": b"\xff\xd8\xff",
}


def parse_camera(spec, index):
    camera = {"codec": "h264", "size": "1920x1080", "fps": "25", "gop": "2", "seconds": "10",
              "color": PALETTE[index % len(PALETTE)], "scene": "moving", "period": "10", "event": "3", "noise": "10"}
    for item in spec.split(","):
        if "=" not in item:
            sys.exit(f"rtsp-test-server: camera spec item {item!r} is not key=value")
        key, value = item.split("=", 1)
        if key not in ("path", "codec", "size", "fps", "gop", "color", "seconds", "scene", "period", "event", "noise"):
            sys.exit(f"rtsp-test-server: unknown camera key {key!r}")
        camera[key] = value
    if "path" not in camera:
        sys.exit("rtsp-test-server: every --camera needs path=NAME")
    if camera["codec"] not in AUD:
        sys.exit(f"rtsp-test-server: codec must be h264, h265 or mjpeg, not {camera['codec']!r}")
    if camera["scene"] not in ("moving", "static", "event", "light"):
        sys.exit(f"rtsp-test-server: scene must be moving, static, event or light, not {camera['scene']!r}")
    try:
        period, event, noise = float(camera["period"]), float(camera["event"]), int(camera["noise"])
    except ValueError:
        sys.exit(f"rtsp-test-server: period and event must be seconds and noise a whole number in {spec!r}")
    if not (1 <= period <= 600 and 0 < event < period and 0 <= noise <= 100):
        sys.exit(f"rtsp-test-server: need 1 <= period <= 600, 0 < event < period, 0 <= noise <= 100 in {spec!r}")
    if camera["scene"] in ("event", "light"):
        camera["seconds"] = camera["period"]
    return camera


def clip_file(camera, clips):
    """Encodes (once) and returns the elementary-stream clip for a camera."""
    keys = ("codec", "size", "fps", "gop", "color", "seconds")
    if camera["scene"] != "moving":
        keys += ("scene", "period", "event", "noise")
    key = "v2|" + "|".join(camera[k] for k in keys)
    name = hashlib.sha1(key.encode()).hexdigest()[:16] + "." + camera["codec"]
    path = os.path.join(clips, name)
    if os.path.exists(path):
        return path
    os.makedirs(clips, exist_ok=True)
    width, height = camera["size"].split("x")
    fps = int(camera["fps"])
    gop = max(1, round(float(camera["gop"]) * fps))
    w, h = int(width), int(height)
    scene = camera["scene"]
    if scene == "moving":
        graph = (f"color=c={camera['color']}:s={w}x{h}:r={fps},format=yuv420p[bg];"
                 f"testsrc2=s={max(16, w // 4 // 2 * 2)}x{max(16, h // 4 // 2 * 2)}:r={fps}[fg];"
                 f"[bg][fg]overlay=x='mod(t*{max(1, w // 6)},W-w)':y=0:shortest=1")
    else:
        # A still, textured scene: a grid and a few lighter panels, so light changes show everywhere.
        period, event, noise = float(camera["period"]), float(camera["event"]), int(camera["noise"])
        filters = [f"color=c={camera['color']}:s={w}x{h}:r={fps}:d={camera['seconds']}", "format=yuv420p",
                   f"drawbox=x={w // 10}:y={h // 8}:w={w // 4}:h={h // 3}:color=0xE0E0E0:t=fill",
                   f"drawbox=x={w * 6 // 10}:y={h // 2}:w={w // 5}:h={h // 4}:color=0x404040:t=fill",
                   f"drawgrid=w={max(8, w // 12)}:h={max(8, h // 8)}:t=2:c=0xFFFFFF@0.4"]
        if scene == "event":
            filters.append(f"drawbox=x={w * 45 // 100}:y={h * 40 // 100}:w={w // 10}:h={h * 35 // 100}:color=0x181818:t=fill"
                           f":enable='lt(mod(t,{period}),{event})'")
        if scene == "light":
            filters.append(f"lutyuv=y='val*0.8':enable='gte(mod(t,{period}),{period / 2})'")
        if noise > 0:
            filters.append(f"noise=c0s={noise}:c0f=t+u")
        graph = ",".join(filters)
    codec = camera["codec"]
    if codec == "h264":
        encode = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high",
                  "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-bf", "0",
                  "-x264-params", "aud=1:repeat-headers=1", "-pix_fmt", "yuv420p", "-f", "h264"]
    elif codec == "h265":
        encode = ["-c:v", "libx265", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                  "-x265-params", f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0:aud=1:repeat-headers=1:log-level=error",
                  "-f", "hevc"]
    else:
        # RTP/JPEG (RFC 2435) carries no Huffman tables: receivers assume the standard ones.
        encode = ["-c:v", "mjpeg", "-q:v", "5", "-huffman", "default", "-pix_fmt", "yuvj420p", "-f", "mjpeg"]
    tmp = path + ".tmp"
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-filter_complex", graph,
               "-t", camera["seconds"], *encode, tmp]
    subprocess.run(command, check=True)
    os.rename(tmp, path)
    return path


def split_units(data, marker):
    """Splits an elementary stream into access units at each access-unit delimiter (or JPEG SOI)."""
    units, start = [], data.find(marker)
    while start != -1:
        end = data.find(marker, start + len(marker))
        units.append(data[start:end if end != -1 else len(data)])
        start = end
    return units


class LoopingFactory(GstRtspServer.RTSPMediaFactory):
    """A media factory whose pipeline feeds one clip's access units forever, timestamped."""

    def __init__(self, camera, units):
        super().__init__()
        self.camera = camera
        self.units = units
        fps = int(camera["fps"])
        self.duration = Gst.SECOND // fps
        codec = camera["codec"]
        if codec == "h264":
            caps, tail = "video/x-h264,stream-format=byte-stream,alignment=au", "h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1"
        elif codec == "h265":
            caps, tail = "video/x-h265,stream-format=byte-stream,alignment=au", "h265parse ! rtph265pay name=pay0 pt=96 config-interval=-1"
        else:
            caps, tail = "image/jpeg", "jpegparse ! rtpjpegpay name=pay0 pt=26"
        self.set_launch(f"( appsrc name=src format=time is-live=false caps={caps},framerate={fps}/1 ! {tail} )")
        self.set_shared(True)
        self.connect("media-configure", self.on_media_configure)

    def on_media_configure(self, _factory, media):
        appsrc = media.get_element().get_child_by_name("src")
        state = {"n": 0}
        appsrc.connect("need-data", self.on_need_data, state)

    def on_need_data(self, appsrc, _length, state):
        n = state["n"]
        data = self.units[n % len(self.units)]
        buffer = Gst.Buffer.new_wrapped(data)
        buffer.pts = n * self.duration
        buffer.dts = n * self.duration
        buffer.duration = self.duration
        state["n"] = n + 1
        appsrc.emit("push-buffer", buffer)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--clips", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "vigil-rtsp-clips"))
    parser.add_argument("--camera", action="append", default=[], help="camera spec, repeatable")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="require basic authentication on every path")
    parser.add_argument("--prepare-only", action="store_true", help="encode the clips and exit")
    args = parser.parse_args()
    if not args.camera:
        args.camera = ["path=cam1"]
    cameras = [parse_camera(spec, i) for i, spec in enumerate(args.camera)]

    clips = {}
    for camera in cameras:
        path = clip_file(camera, args.clips)
        with open(path, "rb") as handle:
            units = split_units(handle.read(), AUD[camera["codec"]])
        if not units:
            sys.exit(f"rtsp-test-server: clip {path} has no access units")
        clips[camera["path"]] = units
    if args.prepare_only:
        return

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()

    for camera in cameras:
        factory = LoopingFactory(camera, clips[camera["path"]])
        if args.auth:
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_role_from_structure(Gst.Structure.new_from_string(
                "viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))
            factory.set_permissions(permissions)
        mounts.add_factory("/" + camera["path"], factory)
    if args.auth:
        user, password = args.auth.split(":", 1)
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "viewer")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        server.set_auth(auth)

    if server.attach(None) == 0:
        sys.exit(f"rtsp-test-server: cannot listen on {args.address}:{args.port}")
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"ready rtsp://{args.address}:{server.get_bound_port()}", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
