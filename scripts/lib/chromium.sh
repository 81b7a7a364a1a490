# ensure_chromium: Debian's chromium and chromium-driver, for the report's browser test
# (runner/tests/test_report_in_browser.py). Installed with apt-get when missing and we
# are root; otherwise a warning, and that test fails saying what to install.
ensure_chromium() {
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing chromium and chromium-driver (apt-get) for the report's browser test" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
                 apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null; } \
            || echo "warning: could not install chromium; the report's browser test will fail" >&2
    else
        echo "warning: chromium or chromedriver missing (apt-get install chromium chromium-driver);" \
             "the report's browser test will fail" >&2
    fi
}
