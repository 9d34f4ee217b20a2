"""Shared fixtures. Environment is set before NiceGUI's `user` fixture runs main.py."""

import os
import tempfile
from pathlib import Path

_session_data = Path(tempfile.mkdtemp(prefix='hearth-tests-'))
os.environ.setdefault('HEARTH_DATA', str(_session_data / 'data'))
os.environ.setdefault('NICEGUI_STORAGE_PATH', str(_session_data / 'nicegui'))
os.environ['HEARTH_SECRET'] = 'test-secret'

pytest_plugins = ['tests.fixtures']
