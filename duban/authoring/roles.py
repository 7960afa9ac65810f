"""Find the role and department words a regulation uses, and guess their canonical role.

Why: approvers are the organisation's own role words (公司主要领导 and 公司领导 are two
approvers), so the skeleton must offer the words exactly as written. A word is the longest
run of Chinese characters ending in a role suffix (部, 科室, 办公室, 领导, 工作组 …),
trimmed at the function words that precede nouns in regulations (由, 经, 向, 报 …); its
canonical role is guessed from the word and from the sentences it appears in, and shown
as a guess.
"""

from __future__ import annotations

import re
from collections import Counter

from duban.authoring.candidates import Candidate
from duban.authoring.structure import Clause

_FULL = ("领导小组|工作领导小组|督查组|督察组|督办组|工作组|工作小组|督查机构|督办部门|督办单位|"
         "主办部门|协办部门|承办部门|主办单位|协办单位|承办单位|承办科室|牵头部门|责任部门|"
         "分管领导|主管领导|主要领导|督办领导|分管局领导|有关领导|公司领导|局领导|部领导|镇领导|"
         "总经理|副总经理|主管局长|局长|"
         "综合部|综合科|综合办|党政办|办公室|办公厅|督办处|"
         "承办人|联络人|部门负责人|第一责任人")
_MOD = ("(?:集团公司|公司|集团|本局|局|镇|县|部|跟进督办工作|督查督办工作|督查工作|督办工作|"
        "督查督办|跟进督办|督查|督办|党委|党政)?")
_KNOWN = re.compile(rf"{_MOD}(?:{_FULL})(?![织成建署分门位属理置罚])")
#: Department names the regulation coins (行政管理部, 总经理工作部, 人力资源部): a run
#: ending in one of these, kept only when the text uses the same run in several places.
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_SUFFIXES = re.compile(r"部(?![机务领里署分门位长属理置罚学技室会内外])|科(?![室学技])|"
                       r"处(?![理置罚分])")
#: Characters that end a name on its left: prepositions, verbs of hand-over, conjunctions.
_STOP = set("由经向报对将把在从为以及和与各项交送至于给按据并其该本此凡如若应须要均的是"
            "、，。；：:,;（）()《》“”")
_GENERIC = {"部门", "单位", "科室", "各部", "本部"}
#: Words ending like a department that are not one (内部, 干部, 实处 …).
_NOT_NAMES = ("内部", "外部", "全部", "局部", "干部", "总部", "实处", "所处", "好处", "到处", "之处",
              "本部", "各部")


def _named_words(text: str) -> list[str]:
    """Coined department names (行政管理部, 党委工作部): the run of characters before the
    suffix up to a preposition or punctuation; where no such boundary shows, the longest
    run that occurs after two different characters (so a verb is not taken with it)."""
    found: list[str] = []
    for m in _SUFFIXES.finditer(text):
        end = m.end()
        best = ""
        for k in range(3, 9):
            word = text[end - k:end]
            if end - k < 0 or not _HAN.match(word) or (word[0] in _STOP and \
                    not word.startswith("经理")):
                break
            left = text[end - k - 1:end - k]
            if not left or (left in _STOP and left + word[0] != "经理") or not _HAN.match(left):
                best = word
                break
            if len({text[i - 1:i] for i in _positions(text, word)}) >= 2:
                best = word
        if best and best not in found and not best.endswith(_NOT_NAMES):
            found.append(best)
    return found


def _positions(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


#: (word pattern, canonical role) guesses, first match wins.
_CANONICAL: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"领导小组"), "leadership_group"),
    (re.compile(r"副总经理|分管|主管|督办领导"),
     "leader_in_charge"),
    (re.compile(r"总经理$|主要领导|局长$|书记$"), "general_manager"),
    (re.compile(r"协办|配合"), "assisting_department"),
    (re.compile(r"主办|牵头|承办部门|承办单位|承办科室"), "lead_department"),
    (re.compile(r"部门负责人|第一责任人"), "department_head"),
    (re.compile(r"承办人"), "handler"),
    (re.compile(r"联络人|责任人"), "liaison"),
    (re.compile(r"督查|督察|督办|办公室|办公厅|综合|党政办|工作部|管理部"), "supervisor_office"),
    (re.compile(r"领导"), "leader_in_charge"),
]


def role_words(plain: str, named: list[str] | None = None) -> list[str]:
    """The role words in one text, in order of appearance, each once; ``named`` are the
    document's coined department names (:func:`_named_words` over the whole text)."""
    hits = [(m.start(), m.end()) for m in _KNOWN.finditer(plain)]
    for word in named or ():
        hits.extend((i, i + len(word)) for i in _positions(plain, word))
    taken: list[tuple[int, int]] = []
    for start, end in sorted(hits, key=lambda h: (h[0], h[0] - h[1])):
        if not any(a < end and start < b for a, b in taken):
            taken.append((start, end))
    out: list[str] = []
    for start, end in sorted(taken):
        if plain[start:end] not in out:
            out.append(plain[start:end])
    return out


def canonical_guess(word: str) -> str:
    for pattern, canonical in _CANONICAL:
        if pattern.search(word):
            return canonical
    return "lead_department"


def find_roles(clauses: list[Clause]) -> list[Candidate]:
    """One candidate per role word, cited to the first clause that names it."""
    first: dict[str, Clause] = {}
    count: Counter[str] = Counter()
    named = _named_words("\n".join(c.plain for c in clauses))
    for clause in clauses:
        for word in role_words(clause.plain, named):
            count[word] += 1
            first.setdefault(word, clause)
    out = []
    for word, clause in first.items():
        canonical = canonical_guess(word)
        out.append(Candidate(
            "organisation", clause.cite, clause.text[:80], f"角色 {word}（{count[word]} 处）→ "
            f"{canonical}", None, ("organisation", "roles"), word,
            {"canonical": canonical, "cite": clause.cite},
            "canonical 是按用词猜的规范角色，请核对；同一规范角色下的两个词是两个不同的审批人",
            {"word": word, "count": count[word]}))
    return out
