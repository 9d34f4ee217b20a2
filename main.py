"""Hearth: `python main.py` serves the web app; `python main.py --help` lists the other commands."""

import os
import sys

import cli

if __name__ == '__main__':
    cli.main([] if os.environ.get('NICEGUI_USER_SIMULATION') else sys.argv[1:])
