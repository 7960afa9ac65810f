"""A small CEL lexer: identifier chains (``a.b.c``) outside literals and comments.

It never fails: on text that is not CEL it still returns some tokens; the evaluation plan
and the error messages use it, the binding does the real parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# --------------------------------------------------------------------------------------
# A small CEL lexer: finds identifier chains (a.b.c) outside string literals and comments.
# It never fails: on text that is not valid CEL it still returns some tokens, and only the
# has() check (a best effort) runs before the binding has parsed the text.
# --------------------------------------------------------------------------------------

# Whitespace and comments are swallowed (possessively) in front of each token, so one
# match is one token; a match without a token is trailing whitespace or a comment.
_TOKEN = re.compile(r"""
    (?:\s|//[^\n]*+)*+
    (?:
      (?P<lit>
          [bB]?[rR][bB]?(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"[^"\n]*"|'[^'\n]*')
        | [bB]?(?:\"\"\"(?:\\[\s\S]|[^\\])*?\"\"\"|'''(?:\\[\s\S]|[^\\])*?'''
                 |"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
        | 0[xX][0-9a-fA-F]+[uU]?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[uU]?|\.\d+(?:[eE][+-]?\d+)?
      )
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | `(?P<quoted>[^`\n]*)`
    | (?P<punct>\S)
    )?
""", re.VERBOSE)


class _Tok(NamedTuple):
    kind: str  # "ident", "lit" (string/number), "punct"
    text: str  # identifier name (backticks removed) or the punctuation character
    pos: int   # offset in the source


def _tokens(src: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(src):
        kind = m.lastgroup
        if kind is None:  # trailing whitespace or comment
            continue
        if kind == "quoted":
            out.append(_Tok("ident", m.group(kind), m.start(kind) - 1))
        else:
            out.append(_Tok(kind, "" if kind == "lit" else m.group(kind), m.start(kind)))
    return out


class _Chain(NamedTuple):
    """``a.b.c`` as written: names, their offsets, and the '(' offset if it is a call."""

    names: tuple[str, ...]
    offsets: tuple[int, ...]
    call: int | None


def _chains(toks: list[_Tok]) -> Iterator[tuple[int, _Chain]]:
    """Yield (index of first token, chain) for every name chain that is not a member of a
    larger expression (``f().x`` is not a chain; ``.x.y``, a root-scoped name, is)."""
    i = 0
    while i < len(toks):
        t = toks[i]
        prev = toks[i - 1] if i else None
        is_member = (prev is not None and prev.text == "." and prev.kind == "punct"
                     and i >= 2 and (toks[i - 2].kind in ("ident", "lit")
                                     or toks[i - 2].text in ")]}"))
        if t.kind != "ident" or is_member:
            i += 1
            continue
        names, offsets, j = [t.text], [t.pos], i + 1
        while (j + 1 < len(toks) and toks[j].text == "." and toks[j].kind == "punct"
               and toks[j + 1].kind == "ident"):
            names.append(toks[j + 1].text)
            offsets.append(toks[j + 1].pos)
            j += 2
        call = toks[j].pos if j < len(toks) and toks[j].text == "(" else None
        yield i, _Chain(tuple(names), tuple(offsets), call)
        i = j
