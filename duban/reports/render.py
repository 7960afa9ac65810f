"""Templates and formats: one Markdown template per document, three ways out.

Lookup, most specific first:

1. a plugin renderer registered with ``duban_register_renderers`` under
   ``"<kind>.<format>"`` (e.g. ``"notice.docx"``) or ``"<format>"`` (e.g. ``"pdf"``) —
   it receives the template text and the context and returns bytes;
2. the policy's ``documents.templates`` entry for the document (keyed by its Chinese
   name, e.g. ``任务通知单``, or its kind, e.g. ``notice``): Jinja2 text, or the path of a
   ``.j2`` file next to the policy;
3. the template shipped in ``duban/templates/``.

Every template renders in the one sandbox of :mod:`duban.templating` with
``StrictUndefined`` (a misspelt field is an error naming it, not an empty cell) and its
:data:`~duban.templating.DOCUMENT_LIMITS` (no template can exhaust memory or time); a
``.j2`` file must lie in the policy's folder. The Markdown it yields is printed as is, or read
into blocks and written as HTML (:mod:`~duban.reports.htmlout`) or Word
(:mod:`~duban.reports.docxout`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from duban.errors import DubanError
from duban.policy.model import Policy
from duban.reports import docxout, htmlout, mdblocks
from duban.templating import DOCUMENT_LIMITS, LimitedSandbox, template_file
from duban.templating import render as render_limited

FORMATS = ("md", "html", "docx")

#: Every document: kind → (Chinese name, shipped template file).
DOCUMENTS: dict[str, tuple[str, str]] = {
    "notice": ("任务通知单", "form_notice.md.j2"),
    "stub": ("存根", "form_stub.md.j2"),
    "confirmation": ("任务确认单", "form_confirmation.md.j2"),
    "process": ("过程记录单", "form_process.md.j2"),
    "report": ("报告单", "form_report.md.j2"),
    "reminder": ("催办通知单", "form_reminder.md.j2"),
    "extension": ("延期办理申请表", "form_extension.md.j2"),
    "postpone": ("顺延事项审批单", "form_postpone.md.j2"),
    "bulletin": ("督查通报", "form_bulletin.md.j2"),
    "month": ("月度通报", "report_month.md.j2"),
    "quarter": ("季度排名", "report_quarter.md.j2"),
    "year": ("年度总结", "report_year.md.j2"),
}

#: Other names people use for the same forms.
ALIASES = {"通知单": "notice", "督办通知单": "notice", "任务通知": "notice", "存根联": "stub",
           "确认单": "confirmation", "过程记录": "process", "报告": "report",
           "办结报告": "report", "催办通知": "reminder", "催办": "reminder",
           "延期申请表": "extension", "延期申请": "extension", "延期": "extension",
           "顺延": "postpone", "顺延审批单": "postpone", "通报": "bulletin"}

Renderer = Callable[[str, dict[str, Any]], bytes]


class TemplateError(DubanError):
    def __init__(self, where: str, exc: Exception) -> None:
        line = getattr(exc, "lineno", None)
        at = f"第 {line} 行：" if line else ""
        super().__init__(f"模板 {where} 无法渲染：{at}{exc}。请检查模板中的字段名与语法 / template "
                         f"{where} failed: {exc}", "validation_error")


def _package_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "templates"


def environment() -> LimitedSandbox:
    env = LimitedSandbox(
        DOCUMENT_LIMITS, loader=jinja2.FileSystemLoader(str(_package_dir())),
        undefined=jinja2.StrictUndefined, autoescape=False, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = env._checked(mdblocks.escape)
    return env


_ENV: LimitedSandbox | None = None


def env() -> LimitedSandbox:
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV


def template_source(kind: str, policy: Policy | None = None) -> tuple[str, str]:
    """(where, text) of the template for ``kind``: the policy's override, else shipped."""
    name, filename = DOCUMENTS[kind]
    overrides: Mapping[str, Any] = {}
    if policy is not None:
        overrides = (policy.raw.get("documents") or {}).get("templates") or {}
    for key in (name, kind):
        text = overrides.get(key)
        if text is None:
            continue
        text = str(text)
        if "\n" not in text and text.endswith(".j2"):
            folder = Path(policy.path).parent if policy and policy.path else Path.cwd()
            try:
                return str(folder / text), template_file(folder, text)
            except ValueError as exc:
                raise DubanError(f"策略 {policy.id if policy else ''} 的 documents.templates.{key}："
                                 f"{exc}", "validation_error") from None
        return f"{policy.id if policy else ''}: documents.templates.{key}", text
    path = _package_dir() / filename
    return f"duban/templates/{filename}", path.read_text(encoding="utf-8")


def render_markdown(kind: str, context: dict[str, Any], policy: Policy | None = None) -> str:
    where, text = template_source(kind, policy)
    try:
        text = render_limited(env().from_string(text), context)
    except jinja2.TemplateError as exc:  # includes the sandbox's SecurityError and limits
        raise TemplateError(where, exc) from None
    return tidy(text)


def tidy(markdown: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one newline at the end."""
    lines = [line.rstrip() for line in markdown.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Rendered:
    data: bytes
    fmt: str
    markdown: str


def render(kind: str, fmt: str, context: dict[str, Any], *, policy: Policy | None = None,
           renderers: Mapping[str, Renderer] | None = None,
           charts: Sequence[str] = ()) -> Rendered:
    """The document ``kind`` in ``fmt`` (md, html, docx, or a plugin's format)."""
    plugin = (renderers or {}).get(f"{kind}.{fmt}") or (renderers or {}).get(fmt)
    if plugin is not None:
        _, text = template_source(kind, policy)
        return Rendered(plugin(text, context), fmt, "")
    if fmt not in FORMATS:
        known = sorted(set(FORMATS) | {k for k in (renderers or {}) if "." not in k})
        raise DubanError(f"不支持的格式 '{fmt}'；可用：{'、'.join(known)} / unknown format",
                         "validation_error")
    markdown = render_markdown(kind, context, policy)
    if fmt == "md":
        return Rendered(markdown.encode("utf-8"), fmt, markdown)
    blocks = mdblocks.parse(markdown)
    title = next((mdblocks.plain(b.text) for b in blocks if isinstance(b, mdblocks.Heading)),
                 DOCUMENTS[kind][0])
    if fmt == "html":
        return Rendered(htmlout.page(title, blocks, charts).encode("utf-8"), fmt, markdown)
    return Rendered(docxout.document(title, blocks), fmt, markdown)


def resolve_kind(text: str) -> str:
    """A document kind from its slug or Chinese name (通知单, 延期申请表 … accepted)."""
    t = text.strip()
    if t in DOCUMENTS:
        return t
    for kind, (name, _) in DOCUMENTS.items():
        if t == name:
            return kind
    if t in ALIASES:
        return ALIASES[t]
    names = "、".join(f"{n}（{k}）" for k, (n, _) in DOCUMENTS.items())
    raise DubanError(f"没有文书 '{text}'；可用：{names} / unknown document kind",
                     "validation_error")
