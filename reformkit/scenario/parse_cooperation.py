"""Validating a block's ``cooperation`` section: every problem at once, with file:line, block and kommune.

See :mod:`.cooperation` for the grammar. Decisions: a section on a block without any kommune on track
cooperate is an error (a cooperation needs a partner; remove the section or put a kommune on cooperate);
kommune references resolve like ``members`` (names or numbers) and must name a cooperation member (the centre
for the regionkommune, or a cooperating kommune); without an Atlas they must be written as in ``members``.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from ._util import kind, kommune_key, suggest
from .cooperation import ANSWERS, KEY_NEEDS, SECTION_KEYS, SERVICE_FIELDS, BlockCooperation, ServiceSpec, vocabulary
from .names import normalise


class _Context:
    """What a reference check needs: the block's members, the cooperation members and the name index."""

    def __init__(self, P, at: tuple, block: str, members: Mapping, centre: str | None, index, area):
        self.P, self.at, self.block, self.members, self.index, self.area = P, at, block, members, index, area
        self.centre = centre
        self.inside = ([centre] if centre is not None else []) + [k for k, t in members.items()
                                                                    if str(t) == "cooperate"]

    def add(self, path: tuple, message: str, kommune: Any = None) -> None:
        self.P.add(self.at + path, message, block=self.block, kommune=kommune)

    def label(self, code: str) -> str:
        return self.index.short.get(code, code) if self.index is not None else code

    def ref(self, raw: Any, path: tuple, what: str) -> str | None:
        """The cooperation member ``raw`` names, or None after reporting why it cannot be one."""
        key = kommune_key(raw)
        names = [self.label(c) for c in self.inside]
        if key is None:
            self.add(path, f"{what}: expected a kommune name or number, got {kind(raw)}", raw)
            return None
        if self.index is not None:
            res = self.index.resolve(key, self.area)
            if res.code is None:
                hint = suggest(key, names)
                self.add(path, f"{what}: " + (f"unknown kommune '{key}'{hint}" if hint else res.problem), raw)
                return None
            code = res.code
        else:
            code = next((k for k in self.members if normalise(k) == normalise(key)), key)
        if code in self.inside:
            return code
        if code in self.members and self.centre is not None:
            self.add(path, f"{what}: {self.label(code)} is on track merge; the regionkommune is represented by its "
                           f"centre '{self.label(self.centre)}'", raw)
        else:
            self.add(path, f"{what}: {self.label(code)} is not a member of the cooperation"
                           f"{suggest(key, names)} (members: {', '.join(names)})", raw)
        return None


def _number(value: Any, what: str, *, upper: float | None = None, whole: bool = False) -> tuple[float | None, str]:
    """(number, "") or (None, problem) for a non-negative number (at most ``upper``; whole if asked)."""
    if isinstance(value, bool):
        return None, f"{what} must be a number, got true/false"
    if not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
        return None, f"{what} must be a number, got {kind(value)} {value!r}"
    if value < 0:
        return None, f"{what} must not be negative, got {value}"
    if upper is not None and value > upper:
        return None, f"{what} must be at most {upper:g}, got {value}"
    if whole and (not isinstance(value, int)):
        return None, f"{what} must be a whole number, got {value}"
    return value, ""


def parse_cooperation(raw: Any, P, at: tuple, block: str, members: Mapping, centre: str | None, index,
                      area) -> BlockCooperation | None:
    """Validate one block's section; report problems to ``P`` (``_Problems``) and return the section or None.

    ``members`` maps the block's kommuner (kommunenummer when ``index`` is given) to their Track; ``centre`` is
    the block's valid centre (None when the centre itself was wrong).
    """
    cx = _Context(P, at, block, members, centre, index, area)
    vocab = vocabulary()
    if not isinstance(raw, Mapping):
        cx.add((), f"cooperation must be a mapping with form, services, ..., got {kind(raw)}")
        return None
    for key in raw:
        if key not in SECTION_KEYS:
            cx.add((str(key),), f"cooperation: unknown key '{key}'{suggest(key, SECTION_KEYS)}")
    if len(cx.inside) - (centre is not None) < 1 and members:
        cx.add((), "a cooperation section needs at least one kommune on track cooperate; remove the section "
                   "or put a kommune on track cooperate")
    form = raw.get("form")
    rules = vocab.forms.get(form) if isinstance(form, str) else None
    if form is None:
        cx.add((), f"cooperation: missing 'form' (one of {', '.join(vocab.forms)})")
    elif rules is None:
        cx.add(("form",), f"unknown cooperation form {form!r}{suggest(form, vocab.forms)} "
                          f"(known: {', '.join(vocab.forms)})")
    seats = _seats(raw["seats"], rules, form, cx) if raw.get("seats") is not None else {}
    services = _services(raw.get("services"), cx) if "services" in raw else {}
    host = _host(raw, rules, form, cx)
    governance = _governance(raw.get("governance"), cx) if "governance" in raw else {}
    if rules is None:
        return None
    return BlockCooperation(form=form, host=host, seats=seats, services=services, governance=governance)


def _host(raw: Mapping, rules: dict | None, form: Any, cx: _Context) -> str | None:
    forms = vocabulary().forms
    services = raw.get("services") if isinstance(raw.get("services"), Mapping) else {}
    own = [spec.get("form") for spec in services.values() if isinstance(spec, Mapping)]
    used = [f for f in (form, *own) if isinstance(f, str)]
    hosted = [f for f in dict.fromkeys(used) if f in forms and forms[f]["host"]]
    if "host" not in raw or raw["host"] is None:
        if hosted:
            cx.add(("form",), f"form '{hosted[0]}' needs a host: add host (the centre or a cooperating kommune)")
        return None
    if rules is not None and not hosted:
        cx.add(("host",), f"form '{form}' has no host kommune; remove host (forms with a host: "
                          f"{', '.join(k for k, r in forms.items() if r['host'])})")
        return None
    return cx.ref(raw["host"], ("host",), "host")


def _seats(raw: Any, rules: dict | None, form: Any, cx: _Context) -> dict[str, int]:
    if not isinstance(raw, Mapping):
        cx.add(("seats",), f"seats must be a mapping of kommune: number of seats, got {kind(raw)}")
        return {}
    if rules is not None and not rules["joint_body"]:
        cx.add(("seats",), f"form '{form}' has no joint top body; remove seats")
        return {}
    least = max(1, (rules or {}).get("min_seats") or 1)
    out: dict[str, int] = {}
    for ref, value in raw.items():
        path = ("seats", str(ref))
        code = cx.ref(ref, path, "seats")
        number, problem = _number(value, "seats", whole=True)
        if number is not None and number < least:
            problem = (f"seats must be at least {least} per member for form '{form}'" if least > 1
                       else f"seats must be a positive whole number, got {value}")
        if problem:
            cx.add(path, problem, ref)
        elif code is not None and code in out:
            cx.add(path, "seats: this member is listed twice", ref)
        elif code is not None:
            out[code] = int(number)
    return out


def _services(raw: Any, cx: _Context) -> dict[str, ServiceSpec]:
    vocab = vocabulary()
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        cx.add(("services",), f"services must be a mapping of service: cost key, got {kind(raw)}")
        return {}
    out = {}
    for name, spec in raw.items():
        path = ("services", str(name))
        if name not in vocab.services:
            cx.add(path, f"unknown service '{name}'{suggest(name, vocab.services)} "
                         f"(known: {', '.join(vocab.services)})")
            continue
        parsed = _service(name, {"key": spec} if isinstance(spec, str) else spec, path, cx)
        if parsed is not None:
            out[name] = parsed
    return out


def _service(name: str, spec: Any, path: tuple, cx: _Context) -> ServiceSpec | None:
    if not isinstance(spec, Mapping):
        cx.add(path, f"services.{name} must be a cost key or a mapping with key, ..., got {kind(spec)}")
        return None
    for field_name in spec:
        if field_name not in SERVICE_FIELDS:
            cx.add(path + (str(field_name),), f"services.{name}: unknown key '{field_name}'"
                                              f"{suggest(field_name, SERVICE_FIELDS)}")
    key = spec.get("key")
    needs = KEY_NEEDS.get(key, ()) if isinstance(key, str) else ()
    ok = isinstance(key, str) and key in KEY_NEEDS
    if not ok:
        cx.add(path + (("key",) if "key" in spec else ()),
               f"services.{name}: " + ("missing 'key'" if key is None else f"unknown cost key {key!r}"
                                       f"{suggest(key, KEY_NEEDS)}") + f" (known: {', '.join(KEY_NEEDS)})")
    values: dict[str, Any] = {}
    own_form = spec.get("form")
    forms = vocabulary().forms
    if own_form is not None and (not isinstance(own_form, str) or own_form not in forms):
        cx.add(path + ("form",), f"services.{name}: unknown cooperation form {own_form!r}"
                                 f"{suggest(own_form, forms)} (known: {', '.join(forms)})")
        values["form"] = None
    elif own_form is not None:
        values["form"] = own_form
    limits = {"fixed_share": 1, "saving_pct": 100, "cost_per_inhabitant": None}
    for field_name, upper in limits.items():
        if spec.get(field_name) is None:
            continue
        if ok and field_name == "fixed_share" and field_name not in needs:
            cx.add(path + (field_name,), f"services.{name}: fixed_share applies only to the keys "
                                         f"{', '.join(k for k, n in KEY_NEEDS.items() if 'fixed_share' in n)}")
            continue
        number, problem = _number(spec[field_name], f"services.{name}.{field_name}", upper=upper)
        if problem:
            cx.add(path + (field_name,), problem)
        values[field_name] = number
    if ok and "fixed_share" in needs and spec.get("fixed_share") is None:
        cx.add(path, f"services.{name}: key {key} needs fixed_share (the part split equally, 0–1)")
    use = _use(name, spec, needs if ok else ("use",), path, cx, check_missing=ok)
    if not ok or any(v is None for v in values.values()) or ("use" in needs and use is None):
        return None
    return ServiceSpec(key=key, use=use, **values)


def _use(name: str, spec: Mapping, needs: tuple, path: tuple, cx: _Context, *,
         check_missing: bool = True) -> dict[str, float] | None:
    raw = spec.get("use")
    if raw is None:
        if "use" in needs and check_missing:
            cx.add(path, f"services.{name}: key {spec['key']} needs use (use per member: "
                         f"{', '.join(cx.label(c) for c in cx.inside)})")
        return None
    if "use" not in needs:
        cx.add(path + ("use",), f"services.{name}: use applies only to the keys "
                                f"{', '.join(k for k, n in KEY_NEEDS.items() if 'use' in n)}")
        return None
    if not isinstance(raw, Mapping):
        cx.add(path + ("use",), f"services.{name}.use must be a mapping of kommune: use, got {kind(raw)}")
        return None
    out: dict[str, float] = {}
    bad = False
    for ref, value in raw.items():
        at = path + ("use", str(ref))
        code = cx.ref(ref, at, f"services.{name}.use")
        number, problem = _number(value, f"services.{name}.use")
        if problem:
            cx.add(at, problem, ref)
        bad |= code is None or number is None or code in out
        if code is not None and code in out:
            cx.add(at, f"services.{name}.use: this member is listed twice", ref)
        elif code is not None and number is not None:
            out[code] = number
    missing = [c for c in cx.inside if c not in out]
    if missing and not bad:
        cx.add(path + ("use",), f"services.{name}: use-based key without use for "
                                f"{', '.join(cx.label(c) for c in missing)} (every member needs a figure, 0 allowed)")
    elif not bad and not any(out.values()):
        cx.add(path + ("use",), f"services.{name}: every use figure is 0; nothing to share the cost by")
    return None if missing or bad or not any(out.values()) else out


def _governance(raw: Any, cx: _Context) -> dict[str, str]:
    questions = vocabulary().questions
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        cx.add(("governance",), f"governance must be a mapping of question: ja/nei/delvis, got {kind(raw)}")
        return {}
    out = {}
    for q, answer in raw.items():
        path = ("governance", str(q))
        if q not in questions:
            cx.add(path, f"governance: unknown question '{q}'{suggest(q, questions)} (known: {', '.join(questions)})")
        elif answer is None:
            continue                       # listed but unanswered
        elif isinstance(answer, bool):
            cx.add(path, f"governance.{q}: write ja, nei or delvis (YAML reads yes/no/true/false as true/false)")
        elif not isinstance(answer, str) or answer.strip().lower() not in ANSWERS:
            cx.add(path, f"governance.{q}: answer must be ja, nei or delvis, got {answer!r}{suggest(answer, ANSWERS)}")
        else:
            out[q] = answer.strip().lower()
    return out
