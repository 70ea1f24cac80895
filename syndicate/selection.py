"""Which releases an account takes: by dependencia, tags, featured, or the release's own list.

Per account (``channels.<cuenta>``)::

    x-alcalde:
      network: x
      dependencias: [despacho]        # only releases of these dependencias
      tags: [obras, movilidad]        # only releases with at least one of these tags
      featured: true                  # only featured releases

Every criterion given must hold. A release whose front matter lists ``accounts:`` goes to exactly
those accounts, whatever their criteria. A release an account does not take is "no aplica" for
that account, with the reason: never an error.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from .manifest import Item


class Selection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dependencias: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    featured: bool = False

    @field_validator("dependencias", "tags", mode="before")
    @classmethod
    def _listed(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    def skip_reason(self, account: str, item: Item) -> str | None:
        """Why ``account`` does not take ``item`` (Spanish), or None when it does."""
        listed = item.accounts
        if listed:
            if account in listed:
                return None
            return f"el comunicado indica sus cuentas (accounts: {', '.join(listed)}) y {account} no está entre ellas"
        if self.dependencias and item.dependencia.slug not in self.dependencias:
            return f"{account} solo publica comunicados de {', '.join(self.dependencias)}"
        if self.tags and not set(self.tags) & set(item.tags):
            return f"{account} solo publica comunicados con las etiquetas {', '.join(self.tags)}"
        if self.featured and not item.featured:
            return f"{account} solo publica comunicados destacados"
        return None
