"""Shared fixtures. Environment is set before NiceGUI's `user` fixture runs main.py."""

import os
import tempfile
from pathlib import Path

_session_data = Path(tempfile.mkdtemp(prefix='hearth-tests-'))
# pytest-xdist workers inherit the controller's environment, so each worker takes folders of its own.
_set = os.environ.__setitem__ if os.environ.get('PYTEST_XDIST_WORKER') else os.environ.setdefault
_set('HEARTH_DATA', str(_session_data / 'data'))
_set('NICEGUI_STORAGE_PATH', str(_session_data / 'nicegui'))
os.environ['HEARTH_SECRET'] = 'test-secret'

pytest_plugins = ['tests.fixtures']


# Tests that take minutes start first, so that the workers end together rather than one running them alone at the
# end (CI: the reference model took 196 s on SQLite and 216 s on PostgreSQL, both started last).
STARTS_FIRST = ('tests/integration/test_visibility_model.py', 'tests/integration/test_api_fuzz.py')


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(STARTS_FIRST))
