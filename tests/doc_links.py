#!/usr/bin/env python3
"""doc_links.py - every relative link of the docs resolves.

    tests/doc_links.py [SOURCE_DIR]

Reads README.md and doc/*.md under SOURCE_DIR (default: the folder above
this script's) and checks every relative link and image, inline
([text](target)) or by reference ([label]: target): the file (or folder)
it names must exist, and where it names an #anchor in a markdown file,
that file must have a heading with that anchor.  Anchors follow GitHub's
rule: the heading's text lowercased, punctuation removed, each space a
'-', and a repeated heading numbered -1, -2 ...  Links in fenced code
blocks and in code spans are not links; absolute URLs (http:, mailto:
...) are not checked.

Prints each broken link as FILE:LINE: link 'X': no such file (or: no
such heading), and exits 1 if there is any; 0 when all resolve; 2 on bad
usage.  Python 3 standard library only.
"""
import os
import re
import sys
import urllib.parse

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
REFDEF = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*(\S+)")
# The opening of a link or image: [text]( with one level of nested [].
OPENING = re.compile(r"!?\[(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*\]\(")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
COMMENT = re.compile(r"<!--.*?-->")


def lines_outside_code(text):
    """(line number, line) of every line that is not in a fenced block;
    fence lines themselves are left out."""
    fence = None
    for no, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line.strip().lstrip(fence[0]):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        yield no, line


def slug(heading):
    """GitHub's anchor of a heading's markdown text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: text
    text = re.sub(r"<[^>]+>", "", text)                          # html tags
    text = text.replace("`", "").replace("*", "")
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text):
    """Every heading anchor of a markdown text."""
    seen = {}
    out = set()
    prev = None
    for _, line in lines_outside_code(text):
        title = None
        m = ATX.match(line)
        if m:
            title = m.group(2) or ""
        elif prev and prev.strip() and SETEXT.match(line) \
                and not ATX.match(prev) and not prev.lstrip().startswith(("|", "-", "*", ">")):
            title = prev.strip()
        prev = line
        if title is None:
            continue
        base = slug(title)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def destination(line, start):
    """The link destination beginning at line[start] (just after '('):
    balanced parentheses, an optional <...> form, a title after it."""
    rest = line[start:].lstrip()
    if rest.startswith("<"):
        end = rest.find(">")
        return rest[1:end] if end > 0 else None
    depth, out = 0, []
    for ch in rest:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        elif ch in " \t":
            break
        out.append(ch)
    else:
        return None  # no closing parenthesis: not a link
    return "".join(out)


def links(text):
    """(line number, target) of every link and image outside code."""
    for no, line in lines_outside_code(text):
        line = COMMENT.sub("", line)
        line = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        m = REFDEF.match(line)
        if m:
            yield no, m.group(2).strip("<>")
            continue
        for m in OPENING.finditer(line):
            target = destination(line, m.end())
            if target is not None:
                yield no, target


def check(root, files):
    """Broken links as (file, line, target, reason); and the count."""
    cache = {}
    broken, count = [], 0
    for rel in files:
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        cache[os.path.realpath(path)] = anchors(text)
        for no, target in links(text):
            if not target or SCHEME.match(target) or target.startswith("//"):
                continue
            count += 1
            file_part, _, anchor = target.partition("#")
            file_part = urllib.parse.unquote(file_part)
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) \
                if file_part else path
            if not os.path.exists(dest):
                broken.append((rel, no, target, "no such file"))
                continue
            if not anchor or not dest.endswith(".md") or os.path.isdir(dest):
                continue
            key = os.path.realpath(dest)
            if key not in cache:
                with open(dest, encoding="utf-8") as f:
                    cache[key] = anchors(f.read())
            if urllib.parse.unquote(anchor).lower() not in cache[key]:
                broken.append((rel, no, target, "no such heading"))
    return broken, count


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print("usage: doc_links.py [SOURCE_DIR]", file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else \
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.isfile(os.path.join(root, "README.md")):
        print(f"doc_links.py: '{root}': no README.md there", file=sys.stderr)
        return 2
    files = ["README.md"]
    doc = os.path.join(root, "doc")
    if os.path.isdir(doc):
        files += sorted(os.path.join("doc", n) for n in os.listdir(doc)
                        if n.endswith(".md") and os.path.isfile(os.path.join(doc, n)))
    broken, count = check(root, files)
    for rel, no, target, why in broken:
        print(f"{rel}:{no}: link '{target}': {why}")
    print(f"doc_links: {count} relative links in {len(files)} files, "
          f"{len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
