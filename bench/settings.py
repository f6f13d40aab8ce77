"""The bench's server settings: Corsia's own, with ``bench.cpu.CpuMiddleware`` first (each
response says its request's CPU time and queries). Never used outside ``make bench``."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

MIDDLEWARE = ["bench.cpu.CpuMiddleware", *MIDDLEWARE]
