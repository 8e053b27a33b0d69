#!/usr/bin/env bash
# Render a Word brief to PDF and PNG pages, to look at what a reader will see.
#
#   bench/render_docx.sh DOCX [OUTDIR]     (OUTDIR defaults to output/render/)
#
# Needs LibreOffice and poppler:  apt-get install -y libreoffice-writer-nogui poppler-utils
# Writes OUTDIR/<name>.pdf and OUTDIR/<name>-<page>.png (60 dpi); prints the page count.
# Exits non-zero when LibreOffice cannot open the file (a good round-trip check in itself).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 DOCX [OUTDIR]" >&2
    exit 2
fi
docx=$1
outdir=${2:-output/render}
[[ -f $docx ]] || { echo "$docx: no such file" >&2; exit 2; }
for tool in libreoffice pdftoppm pdfinfo; do
    command -v "$tool" >/dev/null || {
        echo "$tool not found: apt-get install -y libreoffice-writer-nogui poppler-utils" >&2
        exit 2
    }
done
mkdir -p "$outdir"
name=$(basename "${docx%.*}")
pdf="$outdir/$name.pdf"
rm -f "$pdf" "$outdir/$name"-*.png

# A private LibreOffice profile: no clash with a running instance, no first-start dialogs.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
libreoffice -env:UserInstallation="file://$profile" --headless --norestore \
    --convert-to pdf --outdir "$outdir" "$docx" >"$outdir/$name.convert.log" 2>&1 || true
if [[ ! -s $pdf ]]; then
    echo "LibreOffice could not convert $docx (see $outdir/$name.convert.log)" >&2
    exit 1
fi
pdftoppm -r 60 -png "$pdf" "$outdir/$name"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
echo "$pdf: $pages page(s); PNG pages in $outdir/$name-*.png"
