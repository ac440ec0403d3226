#!/usr/bin/env bash
# Opens every rendered HTML page in headless Chromium and fails if the
# browser reports a console message or a failed load. Installs nothing:
# without /usr/bin/chromium (Debian's `chromium` package) it says so and
# exits 0, so CI without a browser is not blocked; set REQUIRE_CHROMIUM=1
# to make a missing browser an error.
#
# With SCREENSHOTS=FOLDER it also saves two screenshots of every page,
# desktop (1280 px wide) and phone (390 px wide), as
# FOLDER/<plan>-<page>-<width>.png, for a person to look at: the plan grid,
# the highlighted plan, the calls to action, tables on a narrow screen.
# Screenshots are as tall as SHOT_HEIGHT (default 2400 px) so most of a
# page shows.
#
# Usage: scripts/check-html.sh [DIR]   (DIR defaults to out/, rendered first
# with `cargo run --release -- docs -o DIR` when it holds no HTML yet)
#        SCREENSHOTS=shots scripts/check-html.sh out
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-out}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

if [[ ! -x "$chromium" ]]; then
    echo "check-html: $chromium not found; skipping (apt-get install chromium to run it)" >&2
    [[ "${REQUIRE_CHROMIUM:-0}" == 1 ]] && exit 1
    exit 0
fi

if ! find "$dir" -name '*.html' -print -quit 2>/dev/null | grep -q .; then
    cargo run --quiet --release -- docs --format html -o "$dir"
fi

mapfile -t pages < <(find "$dir" -name '*.html' | sort)
if [[ ${#pages[@]} -eq 0 ]]; then
    echo "check-html: no HTML pages under $dir" >&2
    exit 1
fi

failed=0
for page in "${pages[@]}"; do
    profile="$(mktemp -d)"
    log="$(mktemp)"
    url="file://$(realpath "$page")"
    # --enable-logging=stderr --v=0 makes Chromium print console messages
    # ("CONSOLE(...)") and load errors; --dump-dom waits for the load.
    if ! timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --no-default-browser-check --user-data-dir="$profile" \
        --enable-logging=stderr --v=0 --dump-dom "$url" >"$log.dom" 2>"$log"; then
        echo "FAIL $page: chromium exited with an error" >&2
        sed 's/^/    /' "$log" >&2
        failed=1
    elif grep -Ei 'CONSOLE|Uncaught|net::ERR_|Refused to' "$log" >/dev/null; then
        echo "FAIL $page: console messages or load errors" >&2
        grep -Ei 'CONSOLE|Uncaught|net::ERR_|Refused to' "$log" | sed 's/^/    /' >&2
        failed=1
    elif ! grep -q '</main>' "$log.dom"; then
        echo "FAIL $page: the page did not render (no </main> in the DOM)" >&2
        failed=1
    else
        echo "ok   $page"
    fi
    if [[ -n "${SCREENSHOTS:-}" ]]; then
        mkdir -p "$SCREENSHOTS"
        name="$(basename "$(dirname "$page")")-$(basename "$page" .html)"
        for width in 1280 390; do
            shot="$SCREENSHOTS/$name-$width.png"
            if timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
                --disable-background-networking --disable-component-update --disable-sync \
                --no-first-run --no-default-browser-check --user-data-dir="$profile" \
                --hide-scrollbars --window-size="$width,${SHOT_HEIGHT:-2400}" \
                --screenshot="$shot" "$url" >/dev/null 2>&1 && [[ -s "$shot" ]]; then
                echo "     $shot"
            else
                echo "FAIL $page: no screenshot at $width px" >&2
                failed=1
            fi
        done
    fi
    rm -rf "$profile" "$log" "$log.dom"
done
exit "$failed"
