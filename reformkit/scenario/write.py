"""Writing a Scenario as YAML that reads back to an equal Scenario, with kommune names as comments."""
from __future__ import annotations

import re

import yaml

from .model import Scenario


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes multi-line text (descriptions) as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value.strip("\n") else None
    if any(not c.isprintable() and c != "\n" for c in value):
        style = '"'   # escaped, so that line separators such as U+0085 survive any YAML reader
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)

_MEMBER = re.compile(r"^(?P<indent> {4,})(?P<q>['\"]?)(?P<code>\d{4})(?P=q): (?P<track>merge|cooperate)$")
_CENTRE = re.compile(r"^(?P<indent> {2,})centre: (?P<q>['\"]?)(?P<code>\d{4})(?P=q)$")
# cooperation sections: the host, and kommune keys of seats and use tables (number values)
_HOST = re.compile(r"^(?P<indent> {4,})host: (?P<q>['\"]?)(?P<code>\d{4})(?P=q)$")
_FIGURE = re.compile(r"^(?P<indent> {6,})(?P<q>['\"]?)(?P<code>\d{4})(?P=q): -?[0-9][0-9.e+-]*$")


def scenario_yaml(sc: Scenario) -> str:
    """YAML text for ``sc``; kommune numbers carry their names as comments when the scenario knows them."""
    data = sc.to_dict()
    plain = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    if not sc.names:
        return plain
    out = []
    for line in plain.splitlines():
        m = _MEMBER.match(line) or _CENTRE.match(line) or _HOST.match(line) or _FIGURE.match(line)
        if m and m.group("code") in sc.names:
            line = f"{line}  # {sc.names[m.group('code')]}"
        out.append(line)
    annotated = "\n".join(out) + "\n"
    # A comment appended inside a multi-line string would change the text: keep the plain form then.
    load = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return annotated if yaml.load(annotated, Loader=load) == yaml.load(plain, Loader=load) else plain
