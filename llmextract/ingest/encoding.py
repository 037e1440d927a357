"""Character-encoding detection for text exports: UTF-8 or GB18030/GBK, decided by evidence, never guessed."""

from __future__ import annotations

import codecs

from llmextract.core.errors import TextEncodingError

# A real Chinese text keeps nearly all of its hanzi inside GB2312 level 1 (the 3,755 most common characters);
# bytes that merely happen to decode as GB18030 scatter over the rare planes instead.
_MIN_COMMON_HANZI_SHARE = 0.8
_MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\n\r\t\f")


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return ``(text, encoding)``. Raises TextEncodingError when neither UTF-8 nor GB18030 fits."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(name), name, path), name
            except UnicodeDecodeError as exc:
                raise _error(f"file starts with a {name} byte-order mark but is not valid {name}", path) from exc
    try:
        return _checked(data.decode("utf-8"), "utf-8", path), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _error("not valid UTF-8 and not valid GB18030/GBK", path) from exc
    share = common_hanzi_share(text)
    if share < _MIN_COMMON_HANZI_SHARE:
        raise _error(
            f"decodes as GB18030 but only {share:.0%} of its Chinese characters are common ones (binary data?)",
            path,
        )
    return _checked(text, "gb18030", path), "gb18030"


def common_hanzi_share(text: str) -> float:
    """Share of the CJK characters in ``text`` that belong to GB2312 level 1 (1.0 when there are none)."""
    hanzi = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
    if not hanzi:
        return 1.0
    common = 0
    for ch in hanzi:
        try:
            code = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= code[0] <= 0xD7:
            common += 1
    return common / len(hanzi)


def _checked(text: str, encoding: str, path: str) -> str:
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise _error(f"decodes as {encoding} but is full of control characters (a binary file?)", path)
    return text


def _error(message: str, path: str) -> TextEncodingError:
    return TextEncodingError(message, hint="save the file as UTF-8 and try again", path=path)
