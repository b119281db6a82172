"""Searchable Chinese in the PDFs wkhtmltopdf renders.

A PDF's text layer is the ToUnicode CMap of each embedded font: glyph to text.
Qt, under wkhtmltopdf, writes it by scanning the font's own cmap from U+0000 up
and keeping, for each glyph, the first code point that reaches it. CJK fonts
(Noto Sans CJK among them) give the Kangxi and CJK radicals the very glyphs of
the ideographs they stand for, and a few CJK Extension A characters the glyphs of
common ideographs; those blocks come before the unified ideographs (U+4E00), so
人 is written down as ⼈ (U+2F08), 门 as ⻔ (U+2ED4), 胶 as 㬵 (U+3B35): the page
looks right, and neither search nor copy finds the words.

``fix_text_layer`` rewrites those CMaps: each code point of these blocks that
shares its glyph with a unified ideograph in the font actually printed is
replaced by that ideograph. The font is the installed file wkhtmltopdf used,
found by its PostScript name through fontconfig; should it not be found, the
Kangxi radicals fall back to their Unicode compatibility mapping (NFKC).
"""

import functools
import logging
import re
import struct
import subprocess
import unicodedata

from pypdf.errors import PdfReadError

_logger = logging.getLogger(__name__)

# Code points Qt can choose instead of an ideograph: the CJK Radicals Supplement,
# the Kangxi Radicals and CJK Extension A, all below U+4E00.
SUSPECT_RANGES = ((0x2E80, 0x2FDF), (0x3400, 0x4DBF))
# Where the ideograph to write instead is looked for, best first: the unified
# ideographs, then their extensions, then the compatibility ideographs.
IDEOGRAPH_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x323AF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
CMAP_ENTRIES_PER_BLOCK = 100  # the limit the CMap format sets per bfchar block
HEX = re.compile(rb"<([0-9A-Fa-f]*)>")


def _is_suspect(code):
    return any(low <= code <= high for low, high in SUSPECT_RANGES)


def _ideograph_rank(code):
    for rank, (low, high) in enumerate(IDEOGRAPH_RANGES):
        if low <= code <= high:
            return rank
    return None


# -- the installed font's cmap ------------------------------------------------


def _font_cmap(data, offset):
    """{code point: glyph} of the font at `offset` of `data` (a TrueType or
    OpenType font, or one face of a collection), from its Unicode cmap."""
    count = struct.unpack_from(">H", data, offset + 4)[0]
    tables = {}
    for index in range(count):
        tag, _checksum, table_offset, _length = struct.unpack_from(
            ">4sIII", data, offset + 12 + 16 * index
        )
        tables[tag] = table_offset
    cmap = tables[b"cmap"]
    subtables = {}
    for index in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, sub_offset = struct.unpack_from(
            ">HHI", data, cmap + 4 + 8 * index
        )
        subtables[platform, encoding] = cmap + sub_offset
    for key in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3)):
        if key in subtables and struct.unpack_from(">H", data, subtables[key])[0] in (
            4,
            12,
        ):
            return _read_subtable(data, subtables[key])
    return {}


def _read_subtable(data, start):
    mapping = {}
    if struct.unpack_from(">H", data, start)[0] == 12:
        groups = struct.unpack_from(">I", data, start + 12)[0]
        for group in range(groups):
            first, last, glyph = struct.unpack_from(
                ">III", data, start + 16 + 12 * group
            )
            for code in range(first, last + 1):
                mapping[code] = glyph + code - first
        return mapping
    # Format 4: segments of the Basic Multilingual Plane.
    segments = struct.unpack_from(">H", data, start + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, start + 14)
    starts_at = start + 16 + 2 * segments
    starts = struct.unpack_from(f">{segments}H", data, starts_at)
    deltas = struct.unpack_from(f">{segments}h", data, starts_at + 2 * segments)
    range_offsets_at = starts_at + 4 * segments
    range_offsets = struct.unpack_from(f">{segments}H", data, range_offsets_at)
    for segment in range(segments):
        for code in range(starts[segment], ends[segment] + 1):
            if code == 0xFFFF:
                continue
            if not range_offsets[segment]:
                glyph = (code + deltas[segment]) & 0xFFFF
            else:
                at = (
                    range_offsets_at
                    + 2 * segment
                    + range_offsets[segment]
                    + 2 * (code - starts[segment])
                )
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + deltas[segment]) & 0xFFFF if glyph else 0
            if glyph:
                mapping[code] = glyph
    return mapping


def installed_font(pattern):
    """(path, face index) of the installed font that the fontconfig pattern
    ``pattern`` names (the first file in name order, for a stable choice)."""
    try:
        found = subprocess.run(
            ["fc-list", "--format=%{file}\t%{index}\n", pattern],
            capture_output=True,
            check=True,
            text=True,
            timeout=10,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(found):
        path, _tab, index = line.partition("\t")
        if path and index.isdigit():
            return path, int(index)
    return None


@functools.lru_cache(maxsize=32)
def ideograph_map(postscript_name):
    """{suspect code point: ideograph} for the installed font of that name: the
    code points of the suspect blocks whose glyph is also an ideograph's."""
    location = installed_font(f":postscriptname={postscript_name}")
    if location:
        try:
            with open(location[0], "rb") as font:
                data = font.read()
            offset = 0
            if data[:4] == b"ttcf":
                offset = struct.unpack_from(">I", data, 12 + 4 * location[1])[0]
            cmap = _font_cmap(data, offset)
        except (OSError, KeyError, struct.error):
            _logger.warning("Cannot read the cmap of font %s", location[0])
        else:
            return _shared_glyphs(cmap)
    _logger.info(
        "Font %s not found: its radicals are searchable by their Unicode mapping",
        postscript_name,
    )
    return _nfkc_map()


def _shared_glyphs(cmap):
    """{suspect code point: ideograph} of a font's cmap: the best ranked
    ideograph drawn with the same glyph, when it ranks better than the code."""
    unranked = len(IDEOGRAPH_RANGES)
    best_of_glyph = {}
    for code, glyph in cmap.items():
        rank = _ideograph_rank(code)
        if rank is not None:
            best = best_of_glyph.get(glyph)
            if best is None or (rank, code) < (_ideograph_rank(best), best):
                best_of_glyph[glyph] = code
    result = {}
    for code, glyph in cmap.items():
        ideograph = best_of_glyph.get(glyph)
        if _is_suspect(code) and ideograph is not None:
            rank = _ideograph_rank(code)
            if _ideograph_rank(ideograph) < (unranked if rank is None else rank):
                result[code] = ideograph
    return result


@functools.cache
def _nfkc_map():
    result = {}
    for code in range(0x2F00, 0x2FE0):
        normal = unicodedata.normalize("NFKC", chr(code))
        if len(normal) == 1 and _ideograph_rank(ord(normal)) is not None:
            result[code] = ord(normal)
    return result


# -- the PDF's ToUnicode CMaps ------------------------------------------------


def _hex_text(token):
    return bytes.fromhex(token.decode()).decode("utf-16-be", "surrogatepass")


def _text_hex(text):
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def parse_to_unicode(data):
    """{code: text} of a ToUnicode CMap, and the width of its codes in bytes."""
    mapping = {}
    width = 2
    for block in re.finditer(rb"beginbfchar(.*?)endbfchar", data, re.S):
        tokens = HEX.findall(block.group(1))
        for source, target in zip(tokens[::2], tokens[1::2], strict=False):
            width = len(source) // 2 or width
            mapping[int(source, 16)] = _hex_text(target)
    for block in re.finditer(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for line in re.finditer(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)",
            block.group(1),
        ):
            low, high = int(line.group(1), 16), int(line.group(2), 16)
            width = len(line.group(1)) // 2 or width
            target = line.group(3)
            if target.startswith(b"["):
                for code, token in zip(
                    range(low, high + 1), HEX.findall(target), strict=False
                ):
                    mapping[code] = _hex_text(token)
            else:
                first = _hex_text(HEX.match(target).group(1))
                for step, code in enumerate(range(low, high + 1)):
                    # The last UTF-16 unit counts up along the range.
                    mapping[code] = first[:-1] + chr(ord(first[-1]) + step)
    return mapping, width


def write_to_unicode(mapping, width):
    """A ToUnicode CMap of `mapping`, in bfchar blocks."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        ("<%s> <%s>" % ("00" * width, "FF" * width)).encode(),
        b"endcodespacerange",
    ]
    entries = sorted(mapping.items())
    for start in range(0, len(entries), CMAP_ENTRIES_PER_BLOCK):
        block = entries[start : start + CMAP_ENTRIES_PER_BLOCK]
        lines.append(b"%d beginbfchar" % len(block))
        lines += [
            (f"<{code:0{2 * width}X}> <{_text_hex(text)}>").encode()
            for code, text in block
        ]
        lines.append(b"endbfchar")
    lines += [
        b"endcmap",
        b"CMapName currentdict /CMap defineresource pop",
        b"end",
        b"end",
    ]
    return b"\n".join(lines) + b"\n"


def _fixed_text(text, ideographs):
    return "".join(chr(ideographs.get(ord(char), ord(char))) for char in text)


def fix_font(font):
    """Rewrite the ToUnicode CMap of `font` (a pypdf font dictionary); True when
    a code point was replaced."""
    if "/ToUnicode" not in font:
        return False
    stream = font["/ToUnicode"].get_object()
    data = stream.get_data()
    mapping, width = parse_to_unicode(data)
    if not any(_is_suspect(ord(char)) for text in mapping.values() for char in text):
        return False
    name = str(font.get("/BaseFont", "")).lstrip("/")
    # A subset's name starts with a tag of six capitals and a plus sign.
    name = re.sub(r"^[A-Z]{6}\+", "", name)
    ideographs = ideograph_map(name)
    fixed = {code: _fixed_text(text, ideographs) for code, text in mapping.items()}
    if fixed == mapping:
        return False
    try:
        # In place: the stream is the font's, shared by every page that uses it.
        stream.set_data(write_to_unicode(fixed, width))
    except PdfReadError:
        _logger.warning("Cannot rewrite the text layer of font %s", name)
        return False
    return True


def fix_text_layer(pages):
    """Fix the ToUnicode CMaps of every font on `pages` (pypdf pages); the
    number of fonts rewritten."""
    seen = set()
    fixed = 0
    for page in pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if not fonts:
            continue
        for reference in fonts.get_object().values():
            key = getattr(reference, "idnum", None) or id(reference)
            if key in seen:
                continue
            seen.add(key)
            fixed += fix_font(reference.get_object())
    return fixed
