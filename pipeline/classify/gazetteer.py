"""The organisation gazetteer: canonical names, aliases, kinds, parents (from data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from pipeline import yamlfile


# Kinds whose organisations make an article auto-industry news when they are parties.
AUTO_KINDS = frozenset({"automaker", "brand", "supplier", "battery", "autonomous_driving",
                        "charging", "joint_venture"})
# Kinds that are named in news but are never a party to a deal (press, trade bodies).
NON_PARTY_KINDS = frozenset({"media", "trade_group", "foundation"})


@dataclass(frozen=True)
class Organisation:
    """One gazetteer entry; `party` is the name reported when it is a deal party."""

    name: str
    kind: str
    country: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    exact_case: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    surname: bool = False
    defers: tuple[str, ...] = ()
    earlier: tuple[tuple[date, str], ...] = ()  # (until, owner): who owned the brand before `until`

    @property
    def party(self) -> str:
        """Brands act through their owner: Chevrolet deals are General Motors deals."""
        return self.parent if self.kind == "brand" and self.parent else self.name

    def party_on(self, day: date | None) -> str:
        """The party on a given day: a 2019 Fiat deal is Fiat Chrysler's, a 2012 Opel deal GM's."""
        owner = self.party
        if day is not None and self.kind == "brand":
            for until, earlier in sorted(self.earlier, reverse=True):
                if day < until:
                    owner = earlier
        return owner

    @property
    def is_auto(self) -> bool:
        return self.kind in AUTO_KINDS

    @property
    def can_be_party(self) -> bool:
        return self.kind not in NON_PARTY_KINDS


@dataclass(frozen=True)
class Gazetteer:
    """All organisations, looked up by canonical name."""

    organisations: tuple[Organisation, ...]

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {o.name: o for o in self.organisations})

    def get(self, name: str) -> Organisation | None:
        """The organisation with this canonical name, or None."""
        return self._by_name.get(name)

    def __len__(self) -> int:
        return len(self.organisations)

    def __iter__(self):
        return iter(self.organisations)


def _organisation(row: dict) -> Organisation:
    return Organisation(
        name=row["name"], kind=row["kind"], country=row["country"], parent=row.get("parent"),
        aliases=tuple(row.get("aliases") or ()), exact_case=tuple(row.get("exact_case") or ()),
        ambiguous=tuple(row.get("ambiguous") or ()), surname=bool(row.get("surname", False)),
        defers=tuple(row.get("defers") or ()),
        earlier=tuple((_day(until), owner) for until, owner in row.get("earlier") or ()))


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer (pipeline/data/gazetteer.yml), parsed once."""
    raw = resources.files("pipeline").joinpath("data/gazetteer.yml").read_text("utf-8")
    rows = yamlfile.safe_load(raw)["organisations"]
    return Gazetteer(tuple(_organisation(row) for row in rows))
