#!/usr/bin/env python3
"""Minimal DER slicing for the CLI tests, so that signatures can be checked with the openssl CLI
independently of sealcert (a differential check, STYLE.md section 7).

  der.py child FILE N OUT      write the whole TLV of the N-th element of the outer SEQUENCE
  der.py bits FILE N OUT       write the contents of the N-th element, a BIT STRING, without
                               its unused-bits byte (a DER signature value)
FILE is DER, or PEM (the first block is decoded).
"""
import base64
import re
import sys


def read_der(path):
    data = open(path, "rb").read()
    m = re.search(rb"-----BEGIN [A-Z0-9 ]+-----(.*?)-----END", data, re.S)
    return base64.b64decode(m.group(1)) if m else data


def tlv(data, off):
    """(tag, header length, content length) of the TLV at off; strict DER lengths."""
    tag = data[off]
    first = data[off + 1]
    if first < 0x80:
        return tag, 2, first
    n = first & 0x7F
    if n == 0 or n > 4:
        raise ValueError(f"bad length at offset {off}")
    length = int.from_bytes(data[off + 2:off + 2 + n], "big")
    return tag, 2 + n, length


def children(data):
    tag, hl, length = tlv(data, 0)
    if tag != 0x30:
        raise ValueError("outer element is not a SEQUENCE")
    off, end, out = hl, hl + length, []
    while off < end:
        t, h, n = tlv(data, off)
        out.append((t, data[off:off + h + n], data[off + h:off + h + n]))
        off += h + n
    return out


def main():
    op, path, index, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tag, whole, content = children(read_der(path))[index]
    if op == "child":
        data = whole
    elif op == "bits":
        if tag != 0x03 or content[0] != 0:
            raise ValueError("not a BIT STRING without unused bits")
        data = content[1:]
    else:
        raise SystemExit(__doc__)
    open(out, "wb").write(data)


if __name__ == "__main__":
    main()
