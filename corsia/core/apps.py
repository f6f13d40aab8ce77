from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class CoreConfig(AppConfig):
    name = "corsia.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"


class CorsiaStaticFilesConfig(StaticFilesConfig):
    """``collectstatic`` takes from the npm packages only what the pages load: the minified
    bundle, the stylesheet with its source map, the sprites and the web fonts (woff2, woff).
    Bootstrap Italia's plugins, ES modules, legacy font formats and htmx's other builds stay
    out, so the fingerprinting and compression run (``make run``) stays short."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "plugins",
        "_virtual",
        "*.esm.js",
        "*.esm.js.map",
        "*.esm.d.ts",
        "version.js",
        "version.js.map",
        "bootstrap-italia.min.js",
        "*.eot",
        "*.ttf",
        "fonts/*/*.svg",
        "htmx.js",
        "htmx.amd.js",
        "htmx.cjs.js",
        "htmx.min.js.gz",
        "ext",
        "htmax-4*",
        "htmx-4*",
        "htmx-2.js",
    ]
