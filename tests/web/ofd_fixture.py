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
"""
import base64
import hashlib
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


def main(argv):
    if len(argv) >= 2 and argv[0] == "stamp":
        stamp(argv[1], int(argv[2]) if len(argv) > 2 else 0)
    elif len(argv) >= 6 and argv[0] == "tamper":
        tamper(*argv[1:6], fix_checkvalue="--fix-checkvalue" in argv[6:])
    elif len(argv) == 3 and argv[0] == "red":
        red(argv[1], argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
