"""CMS adapters: one per family of portal software. The registry's `cms` field names the family."""

from __future__ import annotations

from scrapers.adapters.base import Adapter, AdapterError, UnknownAdapter
from scrapers.adapters.news_article import NewsArticleAdapter
from scrapers.adapters.nukeviet_laws import NukeVietLawsAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    NukeVietLawsAdapter.family: NukeVietLawsAdapter,
    NewsArticleAdapter.family: NewsArticleAdapter,
}


def get_adapter(name: str) -> Adapter:
    """A fresh adapter for a CMS family name; UnknownAdapter names the families that exist."""
    try:
        return ADAPTERS[name]()
    except KeyError:
        known = ", ".join(sorted(ADAPTERS))
        raise UnknownAdapter(f"no adapter for CMS family {name!r} (known families: {known})") from None


__all__ = ["ADAPTERS", "Adapter", "AdapterError", "UnknownAdapter", "get_adapter"]
