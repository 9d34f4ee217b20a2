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
