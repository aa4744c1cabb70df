"""Talk's Meltano jobs as Dagster jobs. The code location is `talk_dagster.definitions`
(`dagster dev -m talk_dagster.definitions`); `build_definitions(root)` builds it for a project."""
from .definitions import build_definitions

__all__ = ["build_definitions"]
