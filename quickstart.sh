#!/usr/bin/env bash
# One entry point for a newcomer on a fresh Debian 12 machine (Python 3.11, root, maybe no display).
#   ./quickstart.sh kiosk --sim     install what is missing, then start the kiosk on simulated devices
#   ./quickstart.sh test [ARGS]     install what is missing, then run the whole test suite
# Every step is skipped when already done, so both commands stay fast on the second run.
set -euo pipefail
cd "$(dirname "$0")"

# System packages: smart-card stack (pcscd + vpcd, pyscard build deps), QR decoding, CJK fonts
# (Zen Hei and HanaMin for the application forms: drivers/laser/form_pdf.py says why), CUPS for
# the form printer (a private cupsd, cups-pdf, ippeveprinter and its private D-Bus; pycups builds
# against libcups2-dev),
# the libraries Qt needs for offscreen and xcb rendering, the virtual keyboard's libpulse, and
# PostgreSQL (the hall server's store; the tests start a private cluster of their own), and
# chromium with its driver (the tests of kiosk-hall's staff pages, tests/browser), and espeak-ng
# (the kiosk's offline voice: kiosk/speech).
APT_PACKAGES=(
  python3-venv python3-dev gcc swig pkg-config
  pcscd vsmartcard-vpcd libpcsclite-dev
  libzbar0 fonts-noto-cjk fonts-wqy-zenhei fonts-hanazono fontconfig
  cups cups-ipp-utils printer-driver-cups-pdf libcups2-dev dbus-daemon
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libpulse0
  postgresql
  chromium chromium-driver
  espeak-ng
)

log() { printf '\033[1m[quickstart]\033[0m %s\n' "$*" >&2; }

install_system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing system packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# PySide6 is several wheels that must all be the same release, and 6.12 split PySide6_Pdf and
# PySide6_WebEngine out: pip upgrading or downgrading across that leaves a mixed, broken Qt
# behind. So a change of the PySide6 requirement in setup.cfg rebuilds .venv from scratch.
qt_requirement() { grep -E '^\s*PySide6\b' setup.cfg | tr -d ' '; }

rebuild_venv_if_qt_changed() {
  [ -d .venv ] || return 0
  if [ "$(cat .venv/.qt-requirement 2>/dev/null)" != "$(qt_requirement)" ]; then
    log "the PySide6 requirement changed ($(qt_requirement)): rebuilding .venv from scratch"
    rm -rf .venv
  fi
}

install_python_env() {
  rebuild_venv_if_qt_changed
  local stamp=.venv/.installed-$(cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)
  [ -f "$stamp" ] && return
  if [ ! -x .venv/bin/python ]; then
    log "creating .venv with $(python3 --version)"
    python3 -m venv .venv
  fi
  log "installing the kiosk package and its test tools into .venv"
  # Quiet unless it fails: then the last lines of the log say why.
  if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e '.[test]'; } \
      > .venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2
    log "installing the Python packages failed; the whole log is in .venv/install.log"
    exit 1
  fi
  rm -f .venv/.installed-*; touch "$stamp"
  qt_requirement > .venv/.qt-requirement
}

install_system_packages
install_python_env

# No display: Qt's offscreen platform, said out loud so nobody waits for a window.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  export QT_QPA_PLATFORM=offscreen
  log "no display found: running on Qt's offscreen platform (nothing will appear on screen)"
fi

cmd=${1:-}; shift || true
case "$cmd" in
  kiosk) exec .venv/bin/kiosk "$@" ;;
  test)  exec .venv/bin/python -m pytest "$@" ;;
  *) echo "usage: $0 kiosk --sim | test [pytest args]" >&2; exit 2 ;;
esac
