"""Browser tests of the patient pages (Playwright on Debian's Chromium)."""

from corsia.core.tests.browser_fixtures import *  # noqa: F403
