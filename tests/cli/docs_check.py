#!/usr/bin/env python3
"""Compare the CLI's option tables with docs/cli/*.md (after curl tests/test1139.pl).

Usage: docs_check.py SEALCERT_BIN DOCS_DIR
Fails (exit 1) when a command has no page, a page names no command, an option of a table is
not in its page's header or not explained in its prose, a documented option does not exist,
a value name differs, or an example does not run the page's command.
"""
import re
import subprocess
import sys
from pathlib import Path

VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")


def dump_tables(binary):
    """`sealcert help --list-options`: command<TAB>--option<TAB>VALUE<TAB>flags per line."""
    out = subprocess.run([binary, "help", "--list-options"], check=True, capture_output=True,
                         text=True).stdout
    tables = {}
    for line in out.splitlines():
        cmd, opt, value, _flags = line.split("\t")
        tables.setdefault(cmd, {})
        if opt:
            tables[cmd][opt] = value
    return tables


def parse_page(path):
    """The metadata header between the first two '---' lines, and the prose after it."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines or lines[0] != "---":
        raise ValueError("no metadata header (first line must be '---')")
    end = lines.index("---", 1)
    meta, key = {"options": [], "examples": []}, None
    for raw in lines[1:end]:
        if raw.startswith("  - "):
            if key not in ("options", "examples"):
                raise ValueError(f"list item outside options/examples: {raw!r}")
            meta[key].append(raw[4:].strip())
        elif ":" in raw and not raw.startswith(" "):
            key, _, value = raw.partition(":")
            key = key.strip()
            if value.strip():
                meta[key] = value.strip()
        elif raw.strip():
            raise ValueError(f"cannot parse header line {raw!r}")
    return meta, "\n".join(lines[end + 1:])


def main():
    binary, docs = sys.argv[1], Path(sys.argv[2])
    tables = dump_tables(binary)
    errors = []
    seen = set()
    for page in sorted(docs.glob("*.md")):
        if page.name == "README.md":
            continue
        try:
            meta, prose = parse_page(page)
        except ValueError as e:
            errors.append(f"{page.name}: {e}")
            continue
        cmd = meta.get("command")
        if cmd not in tables:
            errors.append(f"{page.name}: command {cmd!r} does not exist")
            continue
        seen.add(cmd)
        if page.name != cmd.replace(" ", "-") + ".md":
            errors.append(f"{page.name}: the page of {cmd!r} must be {cmd.replace(' ', '-')}.md")
        for field in ("summary", "added-in", "see-also"):
            if field not in meta:
                errors.append(f"{page.name}: header has no {field}")
        if not VERSION_RE.match(meta.get("added-in", "")):
            errors.append(f"{page.name}: added-in is not a version")
        for other in filter(None, (s.strip() for s in meta.get("see-also", "").split(","))):
            if other not in tables:
                errors.append(f"{page.name}: see-also names unknown command {other!r}")
        documented = {}
        for item in meta["options"]:
            name, _, value = item.partition(" ")
            documented[name] = value
        table = tables[cmd]
        for opt, value in table.items():
            if opt not in documented:
                errors.append(f"{page.name}: option {opt} of '{cmd}' is not documented")
            elif documented[opt] != value:
                errors.append(f"{page.name}: {opt} documented with value {documented[opt]!r}, "
                              f"the table says {value!r}")
            if not re.search(re.escape(opt) + r"(?![\w-])", prose):
                errors.append(f"{page.name}: option {opt} is not explained in the prose")
        for opt in documented:
            if opt not in table:
                errors.append(f"{page.name}: documented option {opt} does not exist in '{cmd}'")
        if not meta["examples"]:
            errors.append(f"{page.name}: no examples")
        for ex in meta["examples"]:
            words = [w for w in ex.split() if not re.match(r"^[A-Z_]+=", w)]
            if " ".join(words[:1 + len(cmd.split())]) != "sealcert " + cmd:
                errors.append(f"{page.name}: example does not run 'sealcert {cmd}': {ex}")
    for cmd in tables:
        if cmd not in seen:
            errors.append(f"command '{cmd}' has no page docs/cli/{cmd.replace(' ', '-')}.md")
    for e in errors:
        print("docs_check: " + e, file=sys.stderr)
    print(f"docs_check: {len(tables)} commands, {sum(map(len, tables.values()))} options, "
          f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
