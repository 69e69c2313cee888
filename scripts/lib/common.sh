# Shared helpers for scripts/*.sh. Source it; it defines functions and ROOT only.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPT_NAME="${SCRIPT_NAME:-$(basename "$0" .sh)}"

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# load_dotenv [file]: exports KEY=VALUE lines of .env without overriding variables
# that are already set (even to an empty string). Never evaluates the file: no
# command substitution, no variable expansion. Accepts `export KEY=...`, blank lines,
# `# comments`, single- or double-quoted values, and ` # comment` after an
# unquoted value.
load_dotenv() {
  local file="${1:-$ROOT/.env}" line key value
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ ! "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
      warn "ignoring unparsable line in $(basename "$file"): ${line:0:40}"
      continue
    fi
    key="${BASH_REMATCH[2]}"
    value="${BASH_REMATCH[3]}"
    if [[ "$value" =~ ^\"(.*)\"[[:space:]]*(#.*)?$ ]]; then
      value="${BASH_REMATCH[1]}"
    elif [[ "$value" =~ ^\'(.*)\'[[:space:]]*(#.*)?$ ]]; then
      value="${BASH_REMATCH[1]}"
    else
      value="${value%%[[:space:]]#*}"
      value="${value%"${value##*[![:space:]]}"}"
    fi
    [[ -n "${!key+set}" ]] && continue
    export "$key=$value"
  done <"$file"
}

# url_host_port URL DEFAULT_PORT: prints "host port" of a URL (host without [] for IPv6).
url_host_port() {
  node -e '
    let u;
    try { u = new URL(process.argv[1]); } catch { console.error(`not a valid URL: ${process.argv[1]}`); process.exit(2); }
    console.log(u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", u.port || process.argv[2]);
  ' "$1" "$2"
}

is_local_host() {
  case "$1" in 127.0.0.1 | localhost | ::1 | 0.0.0.0) return 0 ;; *) return 1 ;; esac
}

# sha256 of the named files' contents and names (missing files are skipped).
hash_files() {
  local f
  for f in "$@"; do if [[ -f "$f" ]]; then printf '%s\0' "$f"; fi; done | sort -z |
    xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1
}
