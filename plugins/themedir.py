"""Put Pregón's templates and assets into whatever Material setup the entity already has."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig

THEME_DIR = Path(__file__).parent / "theme"


def register(config: MkDocsConfig) -> None:
    """Add ``theme/`` after the site's own ``custom_dir`` (so the site can still override us) and
    before Material, and load every CSS/JS file of ``theme/assets/`` on every page."""
    dirs = config.theme.dirs
    if str(THEME_DIR) not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
    for css in sorted((THEME_DIR / "assets").glob("*.css")):
        path = f"assets/{css.name}"
        if path not in config.extra_css:
            config.extra_css.append(path)
    present = {str(s) for s in config.extra_javascript}
    for js in sorted((THEME_DIR / "assets").glob("*.js")):
        path = f"assets/{js.name}"
        if path not in present:
            script = ExtraScriptValue(path)
            script.defer = True
            config.extra_javascript.append(script)
