# ensure_venv [extra]: create .venv with Python 3.11 and install the project with its
# pinned dependencies (constraints.txt). Cheap when nothing changed.
ensure_venv() {
    local extra="${1:-}"
    local python="${PYTHON:-python3.11}"
    command -v "$python" >/dev/null 2>&1 || python=python3
    if [ ! -x .venv/bin/python ]; then
        echo "Creating .venv with $("$python" --version)" >&2
        "$python" -m venv .venv
    fi
    local spec="."
    [ -n "$extra" ] && spec=".[$extra]"
    local stamp=".venv/.installed-${extra:-base}"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
        echo "Installing the project and its pinned dependencies into .venv" >&2
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$spec"
        touch "$stamp"
    fi
}
