"""An organisation directory kept in a CSV file (人员,部门,角色,手机,邮箱).

Why a CSV: it is what an office exports from its HR or OA system. Roles are the words of
the policy (``主办部门``, ``综合部`` …), several separated by ``、`` or ``;``. A mistake in
the file names the file, the line and what to write, and is raised when the file is
read, so a deployment learns of it at start-up rather than when a notice goes out.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duban.errors import DubanError

COLUMNS = {"人员": "person", "部门": "department", "角色": "roles", "手机": "mobile",
           "邮箱": "email"}
REQUIRED = ("人员", "部门")


@dataclass(frozen=True)
class Person:
    name: str
    department: str
    roles: tuple[str, ...] = ()
    mobile: str | None = None
    email: str | None = None

    def entry(self) -> dict[str, Any]:
        """What ``duban_directory_lookup`` returns for this person."""
        return {"department": self.department, "roles": list(self.roles),
                "mobile": self.mobile, "email": self.email}


class CsvDirectory:
    """People by name and by department, read once from ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.people: dict[str, Person] = {}
        self._read()

    def _error(self, line: int, what: str) -> DubanError:
        return DubanError(f"{self.path}:{line}: 组织目录有误：{what} / directory error",
                          "validation_error")

    def _read(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise DubanError(f"读不到组织目录 {self.path}：{exc.strerror} / cannot read the "
                             "directory", "validation_error") from None
        rows = csv.DictReader(text.splitlines())
        missing = [c for c in REQUIRED if c not in (rows.fieldnames or [])]
        if missing:
            raise self._error(1, f"缺少列 {'、'.join(missing)}；第一行应写 {','.join(COLUMNS)}")
        for n, row in enumerate(rows, start=2):
            name, dept = (row.get("人员") or "").strip(), (row.get("部门") or "").strip()
            if not name or not dept:
                raise self._error(n, "人员和部门都必须填写")
            if name in self.people:
                raise self._error(n, f"人员“{name}”重复出现")
            roles = tuple(r.strip() for r in re.split(r"[、;；]", row.get("角色") or "")
                          if r.strip())
            self.people[name] = Person(name, dept, roles, (row.get("手机") or "").strip() or None,
                                       (row.get("邮箱") or "").strip() or None)

    def lookup(self, person: str) -> Person | None:
        return self.people.get(person)

    def members(self, department: str) -> list[Person]:
        """Everyone in a department, in file order."""
        return [p for p in self.people.values() if p.department == department]
