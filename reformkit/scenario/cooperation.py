"""A block's cooperation section (track 2) as data: form, host, seats, services, governance answers.

**Members of the cooperation.** The block's centre stands for the whole regionkommune (every member on track
merge, as ONE member whose population is the regionkommune's), plus every kommune on track cooperate. Kommune
references in the section (``host``, ``seats``, a service's ``use``) name these members: the centre (for the
regionkommune) or a cooperating kommune. Naming another merging kommune is an error that points to the centre.

**YAML grammar** (every key but ``form`` is optional)::

    cooperation:
      form: vertskommune_nemnd        # key of reference/cooperation-forms.yaml: the form of the top body
      host: Kristiansund              # required when a form used has a host (vertskommune_*), else not allowed
      seats: {Kristiansund: 3}        # seats in the top body; unlisted members get the form's minimum (>= 1)
      services:                       # service area (params/cooperation.yaml `services`) -> spec
        barnevern: per_innbygger      # shorthand for {key: per_innbygger}
        brann: {key: per_innbygger, form: iks}                   # this service in another form
        ikt: {key: fast_pluss_per_innbygger, fixed_share: 0.3}   # fixed_share required for fast_pluss_*
        legevakt: {key: bruksbasert, use: {Kristiansund: 5200, Gjemnes: 400}}   # use required, every member
        ppt: {key: likedeling, cost_per_inhabitant: 900, saving_pct: 8}         # overrides of the defaults
      governance: {input.1: ja, throughput.2: delvis}   # ja | nei | delvis; unanswered = left out (or null)

Validation lives in :mod:`.parse_cooperation`; the vocabulary (form keys, services, cost keys, checklist
questions) is read from the data files so that the scenario layer does not import ``reformkit.cooperation``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..errors import ScenarioError
from ..params import read_param_file
from ..paths import param_file, reference_file

FORMS_FILE = "cooperation-forms.yaml"   # a reference file (the project's own, or the packaged one)

SECTION_KEYS = ("form", "host", "seats", "services", "governance")
SERVICE_FIELDS = ("key", "form", "fixed_share", "use", "cost_per_inhabitant", "saving_pct")
ANSWERS = ("ja", "nei", "delvis")
#: Cost-sharing keys -> the extra fields each requires (the grammar; labels live in params/cooperation.yaml).
KEY_NEEDS: dict[str, tuple[str, ...]] = {
    "per_innbygger": (),
    "fast_pluss_per_innbygger": ("fixed_share",),
    "likedeling": (),
    "bruksbasert": ("use",),
    "fast_pluss_bruksbasert": ("fixed_share", "use"),
}


@dataclass(frozen=True)
class ServiceSpec:
    """How one service is shared: cost key and its inputs, and optional overrides of the defaults.

    ``form`` runs this service in another legal form than the section's (e.g. brann in an IKS next to a
    vertskommune for barnevern; None = the section's form); ``use`` maps cooperation member (kommunenummer
    once resolved) -> measured use; ``fixed_share`` is the part (0–1) split equally; ``cost_per_inhabitant``
    (kr a year) and ``saving_pct`` (per cent) override the parameter defaults.
    """

    key: str
    form: str | None = None
    fixed_share: float | None = None
    use: dict[str, float] | None = None
    cost_per_inhabitant: float | None = None
    saving_pct: float | None = None

    def to_dict(self) -> dict:
        """The spec in the YAML shape (only the fields that are set)."""
        d: dict[str, Any] = {"key": self.key}
        for name in SERVICE_FIELDS[1:]:
            value = getattr(self, name)
            if value is not None:
                d[name] = dict(value) if isinstance(value, dict) else value
        return d


@dataclass(frozen=True)
class BlockCooperation:
    """A block's cooperation: legal form, host, seats in the top body, services and governance answers."""

    form: str
    host: str | None = None
    seats: dict[str, int] = field(default_factory=dict)
    services: dict[str, ServiceSpec] = field(default_factory=dict)
    governance: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The section in the YAML shape; :func:`.parse_cooperation.parse_cooperation` reads it back equal."""
        d: dict[str, Any] = {"form": self.form}
        if self.host is not None:
            d["host"] = self.host
        if self.seats:
            d["seats"] = dict(self.seats)
        if self.services:
            d["services"] = {name: spec.to_dict() for name, spec in self.services.items()}
        if self.governance:
            d["governance"] = dict(self.governance)
        return d

    def form_of(self, service: str) -> str:
        """The legal form that runs ``service`` (its own ``form`` or the section's)."""
        return self.services[service].form or self.form

    @property
    def forms_used(self) -> list[str]:
        """The section's form and every other form a service names, in order."""
        return list(dict.fromkeys([self.form, *(s.form for s in self.services.values() if s.form)]))

    def seats_of(self, members: list[str]) -> dict[str, int]:
        """Seats per member, unlisted members at the form's minimum (at least 1)."""
        least = max(1, vocabulary().forms.get(self.form, {}).get("min_seats", 1))
        return {m: int(self.seats.get(m, least)) for m in members}


@dataclass(frozen=True)
class Vocabulary:
    """Names the scenario section may use, read from the data files."""

    forms: dict[str, dict]          # key -> {"host", "joint_body", "min_seats", "in_force"}
    services: tuple[str, ...]
    keys: tuple[str, ...]
    questions: tuple[str, ...]      # "input.1", ...


def vocabulary() -> Vocabulary:
    """The vocabulary of the cooperation section, from the files the model reads too (a project's own
    ``data/params/cooperation.yaml`` and reference file first); read again when one of them changes."""
    forms, params = reference_file(FORMS_FILE), param_file("cooperation")
    return _vocabulary(forms, forms.stat().st_mtime_ns, params, params.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _vocabulary(forms_path: Path, _forms_mtime: int, params_path: Path, _params_mtime: int) -> Vocabulary:
    forms = yaml.safe_load(forms_path.read_text(encoding="utf-8"))["forms"]
    params = read_param_file(params_path)[0]
    questions = tuple(f"{c}.{q}" for c, spec in params["scorecard"]["criteria"].items() for q in spec["questions"])
    rules = {k: {n: f.get(n) for n in ("host", "joint_body", "min_seats", "in_force")} for k, f in forms.items()}
    return Vocabulary(forms=rules, services=tuple(params["services"]), keys=tuple(params["keys"]),
                      questions=questions)


def members_of(centre: str, members: Mapping[str, Any]) -> list[str]:
    """The cooperation's members: the centre (for the regionkommune) and every kommune on track cooperate."""
    coop = [k for k, t in members.items() if str(t) == "cooperate"]
    return ([centre] if centre in members else []) + coop


def structure_problems(name: str, centre: str, members: Mapping[str, Any], coop: BlockCooperation) -> list[str]:
    """Invariants of a resolved section (no Atlas needed): one line per violation, naming the block."""
    vocab = vocabulary()
    inside = members_of(centre, members)
    out = []
    if len(inside) < 2:
        out.append(f"block '{name}': a cooperation needs at least one kommune on track cooperate")
    unknown = [f for f in coop.forms_used if f not in vocab.forms]
    if unknown:
        out.append(f"block '{name}': unknown cooperation form {', '.join(unknown)}")
    elif any(vocab.forms[f]["host"] for f in coop.forms_used) != (coop.host is not None):
        out.append(f"block '{name}': " + ("no host for a vertskommune form" if coop.host is None
                                          else "a host but no form with a host"))
    refs = [("host", coop.host)] if coop.host is not None else []
    refs += [("seats", k) for k in coop.seats]
    refs += [(f"services.{s}.use", k) for s, spec in coop.services.items() for k in (spec.use or {})]
    out += [f"block '{name}': {where}: {k} is not a member of the cooperation" for where, k in refs if k not in inside]
    for s, spec in coop.services.items():
        if "use" in KEY_NEEDS.get(spec.key, ()) and set(inside) - set(spec.use or {}):
            missing = ", ".join(sorted(set(inside) - set(spec.use or {})))
            out.append(f"block '{name}': services.{s}: no use given for {missing}")
    return out


def adjusted(coop: BlockCooperation | None, before: tuple[str, Mapping[str, Any]],
             after: tuple[str, Mapping[str, Any]], joiner_use: Mapping[str, Mapping[str, float]] | None = None,
             ) -> BlockCooperation | None:
    """The section kept consistent when a block's centre or members change (``before``/``after`` = (centre,
    members)).

    Rules: the regionkommune's entries follow the centre; a kommune that leaves the cooperation loses its seats
    and use, and its use is added to the regionkommune's when it joins the regionkommune of this block; a host
    that leaves passes the host role to the centre; a kommune that joins needs its use for every use-based
    service in ``joiner_use[kommune][service]`` (taken out of the regionkommune's use when it leaves the
    regionkommune); the section is dropped when no kommune is left on track cooperate.
    Raises ScenarioError naming what is missing.
    """
    if coop is None:
        return None
    (old_rep, old_members), (new_rep, new_members) = before, after
    new_coop = set(members_of(new_rep, new_members)) - {new_rep}
    if not new_coop:
        return None
    old_coop = set(members_of(old_rep, old_members)) - {old_rep}

    def home(k: str) -> str | None:   # where an old entry goes: the regionkommune, itself, or nowhere
        if k == old_rep or (k not in new_coop and str(new_members.get(k)) == "merge"):
            return new_rep
        return k if k in new_coop else None

    seats = {(new_rep if k == old_rep else k): v for k, v in coop.seats.items() if k == old_rep or k in new_coop}
    host = coop.host if coop.host is None or coop.host in new_coop else new_rep
    services, problems = {}, []
    for name, spec in coop.services.items():
        if spec.use is None:
            services[name] = spec
            continue
        use: dict[str, float] = {}
        for k, u in spec.use.items():
            if home(k) is not None:
                use[home(k)] = use.get(home(k), 0) + u
        for k in sorted(new_coop - old_coop):
            given = (joiner_use or {}).get(k, {}).get(name)
            if given is None:
                problems.append(f"{k} joins the cooperation: give its use of '{name}' (use={{'{name}': ...}})")
                continue
            if str(old_members.get(k)) == "merge":          # it leaves the regionkommune: so do its users
                use[new_rep] = use.get(new_rep, 0) - given
                if use[new_rep] < 0:
                    problems.append(f"'{name}': {k}'s use {given} is more than the regionkommune's")
            use[k] = given
        services[name] = dataclasses.replace(spec, use=use)
    if problems:
        raise ScenarioError("the block's cooperation section cannot follow this change", problems)
    return dataclasses.replace(coop, host=host, seats=seats, services=services)
