"""The problems a YAML source can have, each told where it is, what is wrong and what to
write instead (Chinese first, English after).

Why apart from the builder (:mod:`duban.policy.yamlsrc`): the builder's loop runs once per
node and stays short; the wording of every problem — duplicate keys, non-string keys, tags,
aliases, limits, encodings and libyaml's syntax errors — lives here, as functions that
return a :class:`~duban.errors.Problem` and change nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from duban.errors import Location, Problem, clip

_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as libyaml counts them
_TAG = "tag:yaml.org,2002:"
_FLOW_CLOSE = {"]": "[", "}": "{"}


def duplicate_key(where: Location, context: str, key: str, line: int, first_line: int) -> Problem:
    return Problem(
        "yaml.duplicate_key",
        f"键 '{key}' 重复：第 {line} 行与第 {first_line} 行，YAML 只会保留其中一个 / "
        f"duplicate key '{key}': line {line} and line {first_line}; YAML would silently "
        "keep only one", where, context, key,
        hint=f"删除其中一个，或把两处内容合并到第 {first_line} 行 / remove one of them, or "
        f"merge both into line {first_line}")


def key_type(where: Location, context: str, key: Any, written: str) -> Problem:
    """A mapping key that is not a string (a collection, nothing, or ``1``/``true``)."""
    shown = ""
    if isinstance(key, dict | list):
        kind = "映射" if isinstance(key, dict) else "列表"
        en = "mapping" if isinstance(key, dict) else "sequence"
        msg = f"映射的键不能是{kind} / a mapping key cannot be a {en}"
        hint = "键只写字符串；检查是否多写了 '?'、'[' 或 '{' / keys are strings; look for a " \
               "stray '?', '[' or '{'"
    elif not (shown := written):
        msg = "缺少键名 / the key is missing before ':'"
        hint = "在冒号前写上键名 / write the key before the ':'"
    else:
        en = type(key).__name__ if key is not None else "null"
        msg = (f"映射的键必须是字符串，{shown} 会被读成{kind_word(key)} / mapping keys must be "
               f"strings; {shown} reads as {en}")
        hint = f'给键加引号，例如 "{shown}": / quote the key, e.g. "{shown}":'
    return Problem("yaml.key_type", msg, where, context, shown or None, "字符串键 / a string key",
                   hint)


def bad_tag(where: Location, context: str, tag: str, value: str | None) -> Problem:
    """A tag we do not read, or a value that does not match its (known) tag."""
    shown = "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
    if value is not None:
        kind = {"!!int": "十进制整数 / a decimal integer", "!!float": "十进制数 / a decimal "
                "number", "!!bool": "true 或 false / true or false",
                "!!null": "null、~ 或空 / null, ~ or nothing"}[shown]
        return Problem(
            "yaml.tag", f"值 '{value}' 不符合标签 {shown} / value '{value}' does not match "
            f"its tag {shown}", where, context, value, kind,
            f"改写成{kind.split(' / ')[0]}，或去掉 {shown} / write {kind.split(' / ')[1]}, "
            f"or remove {shown}")
    return Problem(
        "yaml.tag", f"不支持的标签 {shown}：政策文件只用普通的 YAML 值 / unsupported tag "
        f"{shown}: policy files use plain YAML values", where, context,
        shown, "!!str、!!int、!!float、!!bool、!!null、!!map、!!seq，或不写标签 / one of "
        "those, or no tag",
        f"删除 {shown}；要写字符串就给值加引号 / remove {shown}; quote the value if you "
        "mean a string")


def undefined_alias(where: Location, context: str, name: str, recursive: bool) -> Problem:
    zh, en = (("它引用了包含它自身的锚点", "it refers to the node that contains it")
              if recursive else ("前面没有定义这个锚点", "no anchor of that name comes before it"))
    return Problem(
        "yaml.alias", f"别名 *{name} 无法解析：{zh} / alias *{name} cannot be resolved: {en}",
        where, context, f"*{name}", f"先用 &{name} 定义的锚点 / an anchor &{name} "
        "defined earlier",
        f"先在前面用 &{name} 定义，或者检查拼写；'*' 开头的普通文字要加引号 / define &{name}"
        " earlier or fix the spelling; quote text that starts with '*'")


def too_large(where: Location, context: str, max_nodes: int, alias: str | None) -> Problem:
    via = f"（展开别名 *{alias} 时）" if alias else ""
    via_en = f" when expanding alias *{alias}" if alias else ""
    return Problem(
        "yaml.too_large", f"文件展开后超过 {max_nodes} 个节点{via}，拒绝加载 / more than "
        f"{max_nodes} nodes{via_en}; refusing to load (nested aliases, a 'billion "
        "laughs' document?)", where, context,
        expected=f"不超过 {max_nodes} 个节点 / at most {max_nodes} nodes",
        hint="不要层层嵌套地引用别名；一个政策通常只有上千个值 / do not nest aliases inside "
        "aliased nodes; a policy has about a thousand values")


def too_deep(where: Location, depth: int, max_depth: int, alias: str | None = None) -> Problem:
    via = f"（展开别名 *{alias} 后）" if alias else ""
    via_en = f" after expanding alias *{alias}" if alias else ""
    return Problem(
        "yaml.too_deep", f"嵌套层数 {depth} 超过上限 {max_depth}{via} / nesting depth "
        f"{depth} exceeds {max_depth}{via_en}", where, "",
        expected=f"最多 {max_depth} 层 / at most {max_depth} levels",
        hint="政策不需要这么深的结构；检查是否有未闭合的 '[' 或 '{' / a policy never needs "
        "this; look for an unclosed '[' or '{'")


def scanner_too_deep(exc: yaml.MarkedYAMLError, text: str, file: str, max_depth: int) -> Problem:
    """libyaml's own flow-depth limit, told as ours: same code, place and words.

    libyaml (PyYAML ≥ 6.0.4) scans ahead and refuses flow nesting past 1,000 levels
    before our event loop reaches its own, lower limit; the user sees one message
    whichever layer stops first, located at the opener that crossed our limit.
    """
    end = exc.problem_mark.index if exc.problem_mark else len(text)
    at = flow_opener_past(text, end, max_depth)
    line, col = line_col(text[:at])
    return too_deep(Location(file, line, col), max_depth + 1, max_depth)


def second_document(where: Location) -> Problem:
    return Problem(
        "yaml.multiple_documents", "一个文件只能写一个政策，这里开始了第二个 YAML 文档 / one "
        "policy per file: a second YAML document starts here", where,
        expected="一个文档 / one document",
        hint="删除多余的 '---'，或把第二个政策放进单独的文件 / remove the extra '---' or "
        "move the second policy to its own file")


def reader_problem(exc: yaml.reader.ReaderError, text: str, file: str, libyaml: bool) -> Problem:
    """A control character YAML does not allow, located by line and column."""
    if libyaml:  # libyaml: a byte offset in UTF-8
        prefix = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
    else:
        prefix = text[: exc.position]
    line, col = line_col(prefix)
    ch = text[len(prefix)] if len(prefix) < len(text) else None
    code = f"U+{ord(ch):04X}" if ch else "?"
    return Problem(
        "yaml.encoding", f"文件含有 YAML 不允许的控制字符 {code} / the file contains the "
        f"control character {code}, which YAML does not allow", Location(file, line, col),
        value=code, hint="删除这个不可见字符（常见于从 Word 或网页复制的文字）/ delete this "
        "invisible character (often pasted from Word or a web page)")


def decode_problem(raw: bytes, exc: UnicodeDecodeError, file: str) -> Problem:
    """Where the first non-UTF-8 byte is, by line and column, and a likely cause."""
    offset = exc.start
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    byte = raw[offset]
    hint = "用 UTF-8 编码另存文件 / save the file as UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = "文件是 UTF-16 编码；" + hint
    else:
        try:
            raw.decode("gb18030")
            hint = "文件看起来是 GBK/GB18030 编码；" + hint + " (it looks like GBK)"
        except UnicodeDecodeError:
            pass
    return Problem(
        "yaml.encoding", f"第 {line} 行（字节偏移 {offset}）的字节 0x{byte:02X} 不是有效的 UTF-8 / "
        f"byte 0x{byte:02X} at offset {offset} (line {line}) is not valid UTF-8",
        Location(file, line, column), value=f"0x{byte:02X}", expected="UTF-8", hint=hint)


@dataclass
class _Syntax:
    """A libyaml syntax error being explained: what it said and where (the place, the code
    and the quoted line may be moved to where the mistake really starts)."""

    problem: str
    context: str
    ch: str
    lines: list[str]
    ctx: Any
    line: int
    col: int
    value: str | None
    code: str = "yaml.syntax"

    @property
    def opened(self) -> tuple[str, str]:
        ctx = self.ctx
        return (f"第 {ctx.line + 1} 行第 {ctx.column + 1} 列", f"line {ctx.line + 1}, column "
                f"{ctx.column + 1}") if ctx else ("", "")


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """Explain a libyaml (or PyYAML) syntax error in words an author can act on."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    all_lines = split_lines(text)
    src_line = all_lines[line - 1] if line - 1 < len(all_lines) else ""
    ch = text[mark.index] if mark and 0 <= mark.index < len(text) else ""
    s = _Syntax(problem, context, ch, all_lines, exc.context_mark, line, col,
                repr(src_line) if src_line else None)
    raw = f"{context}: {problem}" if context else problem
    zh, en, hint = _layout_words(s) or _token_words(s) or _GENERIC
    return Problem(s.code, f"{zh} / {en} (libyaml: {raw})", Location(file, s.line, s.col),
                   value=s.value, hint=hint)


def _layout_words(s: _Syntax) -> tuple[str, str, str] | None:
    """Mistakes of layout: tabs, unclosed quotes, escapes, colons, indentation, lists."""
    problem, context, ch, lines, ctx, line = s.problem, s.context, s.ch, s.lines, s.ctx, s.line
    if ch == "\t" or "tab" in problem:
        s.code = "yaml.tab"
        zh, en = "不能用制表符(Tab)缩进，请改用空格", "tabs cannot indent YAML; use spaces"
        hint = "把行首的 Tab 换成空格（通常每层 2 个）/ replace the tab with spaces (2 per level)"
    elif "end of stream" in problem and "quoted scalar" in context and ctx:
        s.line, s.col = ctx.line + 1, ctx.column + 1
        s.value = repr(lines[ctx.line]) if ctx.line < len(lines) else None
        zh = "引号没有闭合：从这里开始的字符串直到文件末尾都没有结束"
        en = "unclosed quote: the string that starts here never ends"
        hint = "在字符串末尾补上同样的引号；字符串里的引号写成 \\\" 或 '' / close the string " \
               "with the same quote; write \\\" (or '' inside single quotes) for a quote inside"
    elif "escape" in problem:
        zh, en = "双引号字符串里的反斜杠转义无效", "invalid backslash escape in double quotes"
        hint = "改用单引号，或把 \\ 写成 \\\\ / use single quotes, or write \\\\ for a backslash"
    elif "mapping values are not allowed" in problem:
        zh = "这里不能出现 ': '：可能是上一行冒号后缺少空格、缩进不对，或者值里含有 ': ' 需要加引号"
        en = ("mapping values are not allowed here: probably a missing space after a colon "
              "above, a bad indent, or a value containing ': ' that needs quotes")
        hint = "写成 '键: 值'（冒号后加空格）；值里有冒号时给整个值加引号 / write 'key: value' " \
               "with a space after the colon; quote a value that contains ': '"
        for n in range(line - 2, max(line - 5, -1), -1):
            if n < len(lines) and re.match(r"\s*(?:- +)?[^\s#:'\"-][^:#]*:[^\s:/]", lines[n]):
                zh += f"（第 {n + 1} 行 '{lines[n].strip()}' 的冒号后是否缺少空格？）"
                en += f" (line {n + 1}: missing space after ':'?)"
                break
    elif ch == "-" and ("expected key" in problem or "block end" in problem):
        zh = "这里出现了列表项 '-'，但这一层是映射（键: 值）"
        en = "a list item '-' appears where a mapping key was expected"
        hint = "把列表写在某个键下面并缩进，例如 '键:' 换行 '  - 项' / put the list under a key " \
               "and indent it, e.g. 'key:' then '  - item'"
    elif "expected key" in problem or "block end" in problem:
        zh = "缩进不一致：这一行与同一层的键没有对齐"
        en = "inconsistent indentation: this line does not line up with its siblings"
        hint = "同一层的键必须从同一列开始，只用空格缩进 / keys at one level start in the same " \
               "column; indent with spaces only"
    elif "'-' indicator" in problem:
        zh, en = "列表里混入了不以 '- ' 开头的行", "a line inside a list does not start with '- '"
        hint = "每个列表项以 '- ' 开头；若属于上一项，请再缩进 / start each item with '- ', or " \
               "indent it further if it belongs to the item above"
    elif "sequence entries are not allowed" in problem:
        zh, en = "'- ' 不能出现在这里", "a '- ' list entry cannot appear here"
        hint = "列表项另起一行并缩进 / start list items on their own, indented lines"
    else:
        return None
    return zh, en, hint


def _token_words(s: _Syntax) -> tuple[str, str, str] | None:
    """Mistakes of tokens: flow brackets, reserved characters, anchors, directives, tags."""
    problem, context, ch, opened = s.problem, s.context, s.ch, s.opened
    if ("',' or ']'" in problem or "',' or '}'" in problem
          or "flow sequence" in context or "flow mapping" in context):
        close = "]" if "]" in problem or "sequence" in context else "}"
        zh = f"'{_FLOW_CLOSE[close]}'（{opened[0]}）没有闭合，或元素之间缺少逗号"
        en = f"unclosed '{_FLOW_CLOSE[close]}' (opened at {opened[1]}) or a missing ','"
        hint = f"补上 '{close}'；元素里含 ':'、',' 或括号时加引号 / add the '{close}'; quote " \
               "items that contain ':', ',' or brackets"
    elif "cannot start any token" in problem and ch in "@`":
        zh, en = f"'{ch}' 是 YAML 保留字符，不能作为无引号值的开头", f"'{ch}' is reserved in YAML"
        hint = f"给值加引号，例如 \"{ch}...\" / quote the value"
    elif "cannot start any token" in problem:
        zh, en = "这个字符不能出现在这里", "this character cannot start a value here"
        hint = "给值加引号 / quote the value"
    elif "anchor" in context or "alias" in context:
        zh, en = "'&' 或 '*' 后面的锚点名无效", "invalid anchor or alias name after '&' or '*'"
        hint = "'&'、'*' 开头的普通文字要加引号 / quote text that starts with '&' or '*'"
    elif "expected ':'" in problem:
        zh, en = "缺少冒号", "a ':' is missing"
        hint = "写成 '键: 值' / write 'key: value'"
    elif "expected node content" in problem or "expected the node content" in problem:
        zh, en = "这里缺少一个值", "a value is missing here"
        hint = "补上值，或删除多余的符号 / add the value or remove the stray character"
    elif "directive" in context or "directive" in problem:
        zh, en = "以 '%' 开头的行是 YAML 指令", "a line starting with '%' is a YAML directive"
        hint = "政策文件不需要指令；以 '%' 开头的文字要加引号 / policies need no directives; " \
               "quote text that starts with '%'"
    elif "tag handle" in problem or "tag" in context:
        s.code = "yaml.tag"
        zh, en = "无法识别的标签", "unrecognised tag"
        hint = "删除标签；要写字符串就加引号 / remove the tag; quote the value for a string"
    else:
        return None
    return zh, en, hint


_GENERIC = ("YAML 语法错误", "YAML syntax error",
            "检查这一行：冒号后要有空格，缩进只用空格，含 : # [ ] { } , & * ! | > % @ ` 等符号的"
            "值要加引号 / check this line: a space after each colon, spaces for indentation, "
            "quotes around values with YAML symbols")


def line_col(prefix: str) -> tuple[int, int]:
    """1-based line and column of the character just after ``prefix``."""
    line, start = 1, 0
    for m in _BREAK.finditer(prefix):
        line, start = line + 1, m.end()
    return line, len(prefix) - start + 1


def split_lines(text: str) -> list[str]:
    return _BREAK.split(text)


def written(text: str, mark: Any) -> str:
    """The plain token written at ``mark`` (a key such as ``1`` or ``true``), or ''."""
    lines = split_lines(text)
    if mark.line >= len(lines):
        return ""
    m = re.match(r"[^\s:,\[\]{}#]*", lines[mark.line][mark.column:])
    return m.group(0) if m else ""


def context_of(path: tuple[Any, ...]) -> str:
    """``transitions[3] > roles`` for a path, as problems name where they are."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"{out.pop() if out else ''}[{part}]")
        else:
            out.append(str(part))
    return " > ".join(out)


def kind_word(value: Any) -> str:
    if value is None:
        return "空值 null"
    return {bool: "布尔值", int: "整数", float: "小数"}.get(type(value), type(value).__name__)


def show(value: Any) -> str:
    """A short YAML-like rendering of a value for messages."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return clip(text)


def flow_opener_past(text: str, end: int, limit: int) -> int:
    """Index of the ``[``/``{`` that opens flow level ``limit + 1`` before ``end`` (else ``end``).

    Quoted scalars and comments are skipped, so brackets inside them do not count.
    """
    depth, i, quote = 0, 0, ""
    while i < end:
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 1  # the escaped character cannot close the string
        elif quote == "'" and ch == "'" and text[i + 1 : i + 2] == "'":
            i += 1  # '' is a quote inside single quotes
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'" and (i == 0 or text[i - 1] in " \t\n[{,:"):
            quote = ch  # a quote opens a scalar only where a scalar can start
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n"):
            nl = text.find("\n", i)
            i = end if nl < 0 else nl
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return i
        elif ch in "]}":
            depth -= 1
        i += 1
    return end
