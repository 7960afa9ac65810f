"""CEL conditions (guards) for policies: compiled and type-checked when the policy loads.

Why CEL and not Python: a policy is written by an implementer, not a programmer we trust,
so its conditions must not reach Python (no attribute access, no imports, no loops that
never end). CEL (Common Expression Language, the one Kubernetes and Kyverno use) is small,
total and side-effect free. Why this one module: the binding is an implementation detail;
the loader and the engine see only :func:`compile_expression`, :class:`Expression`,
:class:`CelCompileError` and :class:`CelEvaluationError`, so the binding can be swapped.

The binding is ``cel-expr-python`` (the CEL team's wrapper of the official C++
implementation). It has a real type checker: an unknown name, a misspelt field or
``item.extensions_granted == "2"`` is a compile error with its line and column.

How the declared environment is checked. The environment maps top-level names to a *type
schema*: either a type name (``int``, ``uint``, ``double``, ``string``, ``bool``,
``bytes``, ``timestamp``, ``duration``, ``dyn``, ``list``, ``map``, ``list<T>``,
``map<K, V>``) or a dict of field name -> type schema (an object such as ``item``).
Objects are flattened: ``item.urgency`` is declared to the checker as one variable named
``item.urgency`` of type ``string`` (CEL resolves qualified names that way), so every
field reference is checked by name *and* type. At evaluation the nested Python dicts are
flattened the same way, only for the fields the expression names.

Python -> CEL at evaluation (per declared type):

=================  ===========================================  =========================
declared type      Python value accepted                        ``None`` (no value) reads
=================  ===========================================  =========================
string             ``str`` (no NUL characters)                  ``""``
int / uint         ``int`` (a ``bool`` passes as 0 or 1)          ``0``
double             ``float`` or ``int``                         ``0.0``
bool               ``bool``                                     ``false``
bytes              ``bytes``                                    ``b""``
timestamp          tz-aware ``datetime`` (naive is refused)     no value: using it fails
duration           ``timedelta``                                no value: using it fails
list / list<T>     ``list`` or ``tuple``                        ``[]``
map / map<K, V>    ``dict`` (or any Mapping)                    ``{}``
dyn                str/int/float/bool/None/list/dict            ``null``
=================  ===========================================  =========================

A field *missing* from the input (as opposed to ``None``) is not bound; an expression that
uses it fails with :class:`CelEvaluationError` naming the field, so an engine that forgets
to pass a field finds out. CEL -> Python results: bool, int (also for uint), float, str,
bytes, list, dict, ``datetime`` (tz-aware, normalised to UTC: the same instant, so it
compares equal to what went in), ``timedelta``, ``None``; a CEL type value becomes its
name (``"int"``).

Limits (each pinned by a test in tests/cel/): ``has()`` cannot test a declared field (declared fields
always have a value; test ``item.lead != ""``), but works on ``map``/``dyn`` values; a
whole object (``item``) cannot be used as a value, only its fields; objects inside lists
are not declared, so their fields are unchecked (use ``list``/``dyn``); ``dyn`` values
must not contain ``datetime``/``timedelta`` (the binding converts those only where the
declared type says ``timestamp``/``duration``); nesting depth is limited to 32 (a chain
of 33 ``+`` counts as nesting, ``&&``/``||`` chains do not); there is no ``now()``: the
clock is never read, pass ``now`` as a variable.
"""


from __future__ import annotations

from duban.policy.cel.errors import CelCompileError, CelEvaluationError
from duban.policy.cel.expression import Expression, compile_expression

__all__ = ["CelCompileError", "CelEvaluationError", "Expression", "compile_expression"]
