"""Finding policies by id: the fourteen shipped ones, the built-in base, or a path."""

from __future__ import annotations

from pathlib import Path

from duban.policy.loader import builtin_path

#: The shipped seed policies (their ids are fixed: other tools name them).
SHIPPED_IDS = (
    "xingzheng_duban", "zhongguo_jituan", "gongjiao_jituan", "wuliu_gongsi", "gansu_huizhan",
    "xingzheng_guanlibu", "tongda_pingtai", "guoshuiju", "qinan_genjin", "zuzhibu_ducha",
    "gongsi_duchazu", "anshan_gongshang", "zhen_ducha", "jituan_ducha",
)


def policies_dir() -> Path:
    """The shipped ``policies/`` folder (next to the package in a checkout)."""
    return Path(__file__).resolve().parents[2] / "policies"


def resolve_policy(ref: str) -> Path | None:
    """A path for ``ref``: an existing file, ``./policies/<id>.yaml``, a shipped id, or a
    built-in base such as ``standard``."""
    p = Path(ref)
    if p.is_file():
        return p
    for candidate in (Path("policies") / f"{ref}.yaml", policies_dir() / f"{ref}.yaml",
                      builtin_path(ref)):
        if candidate.is_file():
            return candidate
    return None


def shipped_paths() -> list[Path]:
    """The shipped policies that exist in this installation, in the table's order."""
    return [q for i in SHIPPED_IDS if (q := policies_dir() / f"{i}.yaml").is_file()]
