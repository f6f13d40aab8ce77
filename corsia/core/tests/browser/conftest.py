"""Browser tests of the shared layout (Playwright on Debian's Chromium)."""

from corsia.core.tests.browser_fixtures import *  # noqa: F403
