"""Loaded by pytest as a plugin (`-p tests.testenv`) before Django's settings are read."""

import os

os.environ.setdefault("TESTING", "true")
