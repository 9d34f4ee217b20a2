"""`pip install .` gives a working Hearth: pyproject.toml declares every third-party distribution the code uses."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ('main.py', 'cli.py', 'settings.py', 'api', 'domain', 'ml', 'services', 'storage', 'ui', 'bench')
OWN = {'api', 'domain', 'ml', 'services', 'storage', 'ui', 'tests', 'bench', 'settings', 'cli', 'main'}
# Used without being named in an import or find_spec: DeepFace imports dlib for Hearth's Dlib model and detector.
USED_INDIRECTLY = {'dlib': 'ml/faces.py'}


def normalise(name: str) -> str:
    return re.sub(r'[-_.]+', '-', name).lower()


def declared(requirements: list[str]) -> set[str]:
    return {normalise(re.match(r'[A-Za-z0-9._-]+', requirement)[0]) for requirement in requirements}


def modules_used(node: ast.AST) -> list[str]:
    """The modules an absolute import names, or the one a `find_spec('name')` call looks for."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module] if node.level == 0 else []
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, 'id', None)
        return [node.args[0].value] if function == 'find_spec' else []
    return []


def third_party_modules() -> dict[str, set[str]]:
    """Each third-party top-level module the code uses, with the files that use it."""
    used = defaultdict(set, {module: {file} for module, file in USED_INDIRECTLY.items()})
    for source in SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob('*.py')):
            name = file.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(file.read_text(), name)):
                for module in modules_used(node):
                    used[module.partition('.')[0]].add(name)
    ignored = OWN | sys.stdlib_module_names
    return {module: files for module, files in used.items() if module not in ignored}


def providers(module: str, distributions: dict[str, list[str]]) -> list[str]:
    if module in distributions:
        return distributions[module]
    # Some wheels list too little in top_level.txt (dlib-bin names only _dlib_pybind11): look at the files instead.
    return [
        distribution.metadata['Name']
        for distribution in importlib.metadata.distributions()
        if any(file.parts[0] == module for file in distribution.files or [])
    ]


def test_every_third_party_module_comes_from_a_declared_distribution():
    project = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']
    runtime = declared(project['dependencies'])
    bench = runtime | declared(project['optional-dependencies']['bench'])  # bench/ may also use the bench extra

    def declares(file: str, distribution: str) -> bool:
        return normalise(distribution) in (bench if file.startswith('bench/') else runtime)

    distributions = importlib.metadata.packages_distributions()
    used = third_party_modules()
    assert {'deepface', 'chromadb', 'numpy', 'face_recognition_models', 'dlib'} <= used.keys()
    problems = []
    for module, files in sorted(used.items()):
        found = providers(module, distributions)
        if not found:
            problems.append(f'{module} (used in {min(files)}): no installed distribution provides it')
        for distribution in found:
            if lacking := sorted(file for file in files if not declares(file, distribution)):
                more = f' and {len(lacking) - 1} more' if len(lacking) > 1 else ''
                problems.append(
                    f'{module} (used in {lacking[0]}{more}) needs {distribution}, missing from pyproject.toml'
                )
    assert not problems, '\n'.join(problems)
