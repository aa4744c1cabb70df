"""`talk new-system NAME`: a new system's packages, mapping file, emulator, Meltano plugins,
tests and documentation page, ready to be filled in.

Everything is written from the files under `templates/` (paths and contents with NAME and
{{placeholders}} replaced) into a Talk project: its workspace globs (taps/*, targets/*) pick
the two packages up, the target's entry point registers the system (talk.systems), and
meltano.yml's include_paths pick up plugins/NAME.meltano.yml. With a partner system, the
scaffold also adds a real flow NAME-PARTNER (customers only) to talk/talk/flows.yml and its
job to the plugins file, so `talk docs` and `talk run NAME-PARTNER` show it at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import mapping, systems

TEMPLATES = Path(__file__).parent / "templates"
SNIPPETS = Path(__file__).parent / "snippets"
NAME = re.compile(r"^[a-z][a-z0-9]{1,30}$")
FLOWS = Path("talk/talk/flows.yml")


class ScaffoldError(Exception):
    """A new system that cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Plan:
    root: Path
    name: str
    title: str
    port: int
    partner: str | None

    def values(self) -> dict[str, str]:
        out = {"name": self.name, "Name": self.name.capitalize(), "NAME": self.name.upper(), "title": self.title,
               "port": str(self.port), "api_key": f"{self.name}_sandbox_api_key_0123456789"}
        if self.partner:
            partner = mapping.load(self.partner)
            stream, entity = next((s, e) for s, e in partner.entities.items() if e.talk == "customer")
            out.update(partner=self.partner, partner_title=partner.title, partner_stream=stream, partner_label=entity.label)
        return out


def check(root: Path, name: str, partner: str | None) -> None:
    if not NAME.match(name):
        raise ScaffoldError(f"system name {name!r}: use 2 to 31 lower-case letters and digits, starting with a letter "
                            "(it names the packages tap-NAME and target-NAME and the Python modules tap_NAME, target_NAME)")
    if not (root / "meltano.yml").is_file() or not (root / "pyproject.toml").is_file():
        raise ScaffoldError(f"{root} is not a Talk project (no meltano.yml and pyproject.toml there); pass --root")
    taken = [p for p in (root / "taps" / f"tap-{name}", root / "targets" / f"target-{name}",
                         root / "plugins" / f"{name}.meltano.yml") if p.exists()]
    if taken or name in systems.registered():
        raise ScaffoldError(f"a system {name!r} exists already ({', '.join(map(str, taken)) or 'installed'}); "
                            "pick another name")
    if partner is not None and partner not in systems.registered():
        raise ScaffoldError(f"no installed system {partner!r} to make a flow with (known: {', '.join(systems.registered())})")


def render(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def create(root: Path, name: str, title: str | None = None, partner: str | None = "customwebshop",
           port: int | None = None) -> list[Path]:
    """Write the new system into the project at `root`; returns the files written or changed."""
    root = root.resolve()
    check(root, name, partner)
    plan = Plan(root, name, title or name.capitalize(), port or systems.next_free_port(), partner)
    values = plan.values()
    written = []
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = template.relative_to(TEMPLATES).with_suffix("")  # drop .tmpl
        target = root / str(relative).replace("NAME", name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(template.read_text(), values))
        written.append(target)
    if partner:
        written += add_flow(plan, values)
    return written


def add_flow(plan: Plan, values: dict[str, str]) -> list[Path]:
    """The flow NAME-PARTNER at the end of flows.yml's `flows:` (its last key, so appending
    keeps every comment), and its job and schedule in the system's plugins file."""
    flows = plan.root / FLOWS
    text = flows.read_text()
    if not re.search(r"^flows:\s*$", text, re.MULTILINE) or re.search(r"^\S", text.split("\nflows:", 1)[1], re.MULTILINE):
        raise ScaffoldError(f"{flows}: `flows:` is not the file's last key; add the flow {plan.name}-{plan.partner} "
                            f"by hand (see {SNIPPETS / 'flow.yml.tmpl'})")
    flows.write_text(text.rstrip("\n") + "\n" + render((SNIPPETS / "flow.yml.tmpl").read_text(), values))
    plugins = plan.root / "plugins" / f"{plan.name}.meltano.yml"
    plugins.write_text(plugins.read_text() + render((SNIPPETS / "job.meltano.yml.tmpl").read_text(), values))
    return [flows]
