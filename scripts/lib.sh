# Shared by scripts/test, scripts/demo and the benchmarks. Source it; it defines functions only.

# Debian packages the project needs to build, test and run its demo.
VIGIL_APT_PACKAGES=(
  pkg-config libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
  libcurl4-openssl-dev libpq-dev libsystemd-dev
  libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-noto-cjk  # PDF documents (VigilDocuments)
  postgresql postgresql-client ffmpeg
  python3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav
  procps iproute2 time curl poppler-utils  # poppler-utils: pdfinfo, pdftotext, pdffonts, which read the PDFs back in tests
  prometheus  # promtool, which the tests run on /metrics
)

vigil_log() { printf '==> %s\n' "$*" >&2; }

# Installs the missing packages of VIGIL_APT_PACKAGES and of the arguments (a script's own extras);
# does nothing when all are there.
vigil_install_packages() {
  local missing=()
  local package
  for package in "${VIGIL_APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  vigil_log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Prints a free TCP port on 127.0.0.1.
vigil_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until a TCP port on 127.0.0.1 accepts connections, up to $2 seconds (default 30).
vigil_wait_for_port() {
  local port=$1 limit=${2:-30} waited=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    sleep 0.2
    waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 5)) ]; then
      return 1
    fi
  done
}
