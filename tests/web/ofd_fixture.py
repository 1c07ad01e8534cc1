#!/usr/bin/env python3
"""Helpers for the ofd.js tests (tests/cli/ofdjs_*.sh), independent of ofd.js: they read the OFD
package themselves, so that an expectation never comes from the program under test.

  ofd_fixture.py stamp FILE [N]       the Nth StampAnnot (0-based, default 0) as PAGE,X,Y,W,H
                                      (page 1-based in Document.xml order, box in mm)
  ofd_fixture.py tamper SRC DST ENTRY OLD NEW [--fix-checkvalue]
                                      copy SRC to DST with the first OLD in ENTRY replaced by NEW
                                      (same length); --fix-checkvalue also rewrites that entry's
                                      CheckValue in every Signature.xml to SM3 of the new bytes
  ofd_fixture.py red PNG X,Y,W,H      count seal-red pixels inside and outside a box (px) of an
                                      RGB(A) PNG screenshot: prints "INSIDE OUTSIDE WIDTH HEIGHT"
  ofd_fixture.py template-texts TEMPLATE DATA PAGES [PLACEHOLDER=VALUE]...
                                      ofdjs-check.mjs expectations (option and value, one a line)
                                      for where the template puts its texts: every text, textbox
                                      and fields element of every_page (each page), cover (page 1)
                                      and flow.header (pages 2..PAGES), filled in from the DATA
                                      JSON; PLACEHOLDER=VALUE gives special names such as id
  ofd_fixture.py modules PNG X,Y,SIZE N SCALE
                                      the N x N modules of a 2D code read from PNG, a screenshot
                                      of exactly the box X,Y,SIZE,SIZE mm (ofdjs-check.mjs
                                      --screenshot-box: cut at whole pixels, SCALE px/mm), each
                                      module dark when its centre pixel is; printed as zint's
                                      --dump prints a symbol (hex, a row a line)
  ofd_fixture.py template-code TEMPLATE
                                      the code's box: "PAGE X Y SIZE X2 Y2" (mm; X2 Y2: code2, or
                                      "- -" when the template has none)
"""
import base64
import hashlib
import json
import re
import posixpath
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile
import zlib

OFD_NS = "http://www.ofdspec.org/2016"


def q(tag):
    return f"{{{OFD_NS}}}{tag}"


def entry_path(base_dir, loc):
    """An OFD path (absolute from the package root, or relative to base_dir) as a zip name."""
    loc = loc.strip()
    p = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)
    return posixpath.normpath(p)


def stamp(path, n=0):
    with zipfile.ZipFile(path) as z:
        ofd = ET.fromstring(z.read("OFD.xml"))
        body = ofd.find(q("DocBody"))
        doc_root = entry_path("", body.findtext(q("DocRoot")))
        doc = ET.fromstring(z.read(doc_root))
        page_ids = [p.get("ID") for p in doc.iter(q("Page")) if p.get("BaseLoc")]
        sigs_path = entry_path("", body.findtext(q("Signatures")))
        sigs = ET.fromstring(z.read(sigs_path))
        annots = []
        for s in sigs.iter(q("Signature")):
            sig_path = entry_path(posixpath.dirname(sigs_path), s.get("BaseLoc"))
            annots += list(ET.fromstring(z.read(sig_path)).iter(q("StampAnnot")))
        a = annots[n]
        box = [float(v) for v in a.get("Boundary").split()]
        page = page_ids.index(a.get("PageRef")) + 1
        print(",".join([str(page)] + [f"{v:g}" for v in box]))


def tamper(src, dst, entry, old, new, fix_checkvalue):
    old_b, new_b = old.encode(), new.encode()
    if len(old_b) != len(new_b):
        sys.exit("tamper: OLD and NEW must have the same length in bytes")
    with zipfile.ZipFile(src) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    data = dict((i.filename, d) for i, d in items)
    if entry not in data or old_b not in data[entry]:
        sys.exit(f"tamper: {entry} does not contain {old!r}")
    changed = data[entry].replace(old_b, new_b, 1)
    out = {entry: changed}
    if fix_checkvalue:
        digest = base64.b64encode(hashlib.new("sm3", changed).digest()).decode()
        ET.register_namespace("ofd", OFD_NS)
        for name, d in data.items():
            if not name.endswith("Signature.xml"):
                continue
            root = ET.fromstring(d)
            hit = False
            for ref in root.iter(q("Reference")):
                if entry_path("", ref.get("FileRef")) == entry:
                    ref.find(q("CheckValue")).text = digest
                    hit = True
            if hit:
                out[name] = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, d in items:
            zout.writestr(info, out.get(info.filename, d))


def read_png(path):
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat = 8, b""
    while pos < len(raw):
        length, ctype = struct.unpack(">I4s", raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color not in (2, 6) or interlace:
                sys.exit(f"{path}: unsupported PNG (depth {depth}, color type {color})")
            bpp = 3 if color == 2 else 4
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    data = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = data[y * (stride + 1)]
        line = bytearray(data[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def red(path, box):
    x, y, bw, bh = [float(v) for v in box.split(",")]
    w, h, bpp, rows = read_png(path)
    inside = outside = 0
    for j in range(h):
        row = rows[j]
        for i in range(w):
            r, g, b = row[i * bpp], row[i * bpp + 1], row[i * bpp + 2]
            if r > 180 and g < 100 and b < 100:
                if x <= i < x + bw and y <= j < y + bh:
                    inside += 1
                else:
                    outside += 1
    print(inside, outside, w, h)


def modules(path, box, n, scale):
    x, y, size = [float(v) for v in box.split(",")]
    n, scale = int(n), float(scale)
    w, h, bpp, rows = read_png(path)
    # The cut starts at the whole pixel below the box: the code starts this far into it.
    ox, oy = x * scale - int(x * scale), y * scale - int(y * scale)
    step = size * scale / n
    for j in range(n):
        bits = ""
        for i in range(n):
            px, py = min(w - 1, int(ox + (i + 0.5) * step)), min(h - 1, int(oy + (j + 0.5) * step))
            bits += "1" if min(rows[py][px * bpp:px * bpp + 3]) < 128 else "0"
        bits += "0" * (-len(bits) % 4)
        nibbles = "".join(f"{int(bits[k:k + 4], 2):X}" for k in range(0, len(bits), 4))
        print(" ".join(nibbles[k:k + 2] for k in range(0, len(nibbles), 2)))


def data_value(data, path, special):
    """The value of a placeholder path (customer.name, basis[1]) in DATA; None when absent."""
    if path in special:
        return special[path]
    v = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            v = v[i] if isinstance(v, list) and i < len(v) else None
        else:
            v = v.get(part) if isinstance(v, dict) else None
        if v is None:
            return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def fill(text, data, special, empty):
    """TEXT with its {placeholders} replaced as docs/templates.md says ({{ and }} are braces)."""
    def one(m):
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        v = data_value(data, m.group(1), special)
        if v is None and m.group(1) in ("page", "pages", "id", "url", "title", "type_name"):
            sys.exit(f"template-texts: no value for {{{m.group(1)}}}: give {m.group(1)}=VALUE")
        return empty if v in (None, "") else v
    return re.sub(r"\{\{|\}\}|\{([^{}]+)\}", one, text)


def template_texts(template, data_file, pages, extra):
    """Expectations from the template alone: its coordinates (mm, y down), a text element's y its
    baseline, a textbox's and a fields element's y their top edge, a field's value at x +
    label_width, rows row_height apart (the rows of data whose values fit on one line). A box's
    first line is centred in a line 1.5 em high (docs/templates.md, styles: line_height), so its
    baseline lies in the lower half of that line; a field's label is on the value's baseline and
    its label_en below that line, inside the row."""
    with open(template, encoding="utf-8") as f:
        t = json.load(f)
    with open(data_file, encoding="utf-8") as f:
        data = json.load(f)
    special = dict(kv.split("=", 1) for kv in extra)
    empty = t.get("empty", "/")
    tol = 1.0  # slack for a left end that the template gives exactly
    styles = t["styles"]
    out = []

    def size_of(style):
        return float(styles[style]["size"])

    def emit(page, el):
        if "if" in el and data_value(data, el["if"], special) in (None, ""):
            return
        sp = dict(special, page=str(page), pages=str(pages))
        style = el.get("style")
        if "text" in el:
            text = fill(el["text"], data, sp, empty)
            align = el.get("align", styles[style].get("align", "left"))
            x, w = float(el["x"]), el.get("width")
            if w is not None:
                x += {"left": 0, "center": float(w) / 2, "right": float(w)}[align]
            out.append(("--expect-text-at", f"{page},{x:g},{float(el['y']):g},{align},{text}"))
        elif "textbox" in el:
            # The first line, left aligned: its first characters start at x.
            first = "".join(fill(el["textbox"], data, sp, empty).split())[:6]
            half = 0.75 * size_of(style)
            out.append(("--expect-text-in", f"{page},{el['x'] - tol:g},{el['y'] + half:g},"
                        f"{2 * tol:g},{half:g},{first}"))
        elif "fields" in el:
            x, y, rh = float(el["x"]), float(el["y"]), float(el["row_height"])
            vx = x + float(el["label_width"])
            half = 0.75 * size_of(style)
            for i, fl in enumerate(el["fields"]):
                top = y + i * rh
                first = (top + half, half)  # the value's first line, lower half
                under = (top + 2 * half, rh - 2 * half)  # below it, inside the row
                for left, (by, bh), text in ((x, first, fl.get("label")),
                                             (x, under, fl.get("label_en")),
                                             (vx, first, fill(fl["value"], data, sp, empty))):
                    if text:
                        out.append(("--expect-text-in", f"{page},{left - tol:g},{by:g},"
                                    f"{2 * tol:g},{bh:g},{text}"))

    for page in range(1, pages + 1):
        for el in t.get("every_page", []):
            emit(page, el)
        for el in t.get("cover", []) if page == 1 else t.get("flow", {}).get("header", []):
            emit(page, el)
    for opt, val in out:
        print(opt)
        print(val)


def template_code(template):
    with open(template, encoding="utf-8") as f:
        t = json.load(f)
    c, c2 = t["code"], t.get("code2")
    vals = [c.get("page", 1), c["x"], c["y"], c.get("size", 25)]
    vals += [c2["x"], c2["y"]] if c2 else ["-", "-"]
    print(" ".join(f"{v:g}" if isinstance(v, (int, float)) else v for v in vals))


def main(argv):
    if len(argv) >= 2 and argv[0] == "stamp":
        stamp(argv[1], int(argv[2]) if len(argv) > 2 else 0)
    elif len(argv) >= 6 and argv[0] == "tamper":
        tamper(*argv[1:6], fix_checkvalue="--fix-checkvalue" in argv[6:])
    elif len(argv) == 3 and argv[0] == "red":
        red(argv[1], argv[2])
    elif len(argv) >= 4 and argv[0] == "template-texts":
        template_texts(argv[1], argv[2], int(argv[3]), argv[4:])
    elif len(argv) == 5 and argv[0] == "modules":
        modules(*argv[1:])
    elif len(argv) == 2 and argv[0] == "template-code":
        template_code(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
