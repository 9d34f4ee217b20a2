"""The command line: serve (default), user create, import, worker, people rebuild, models install and status,
backup, restore and check."""

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from settings import Settings, load_settings


def main(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    settings = load_settings(host=args.host, port=args.port)
    if args.command in (None, 'serve'):
        from ui.app import serve

        serve(settings)
    elif args.command == 'user':
        asyncio.run(_create_user(settings, args))
    elif args.command == 'import':
        sys.exit(asyncio.run(_import(settings, args.user, Path(args.folder))))
    elif args.command == 'worker':
        asyncio.run(_work(settings, args.queue, args.faces))
    elif args.command == 'people':
        asyncio.run(_rebuild_people(settings))
    elif args.command == 'models':
        asyncio.run(_install_model(settings, args.source) if args.action == 'install' else _model_status(settings))
    elif args.command == 'backup':
        sys.exit(asyncio.run(_back_up(settings, Path(args.destination))))
    elif args.command == 'restore':
        asyncio.run(_restore(settings, Path(args.source)))
    elif args.command == 'check':
        sys.exit(asyncio.run(_check(settings, args.repair)))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='main.py', description='Hearth, the family photo library.')
    parser.add_argument('--host', help='address to listen on (HEARTH_HOST, default 0.0.0.0)')
    parser.add_argument('--port', type=int, help='port to listen on (HEARTH_PORT, default 8080)')
    commands = parser.add_subparsers(dest='command')
    commands.add_parser('serve', help='start the web app (the default)')
    user = commands.add_parser('user', help='manage accounts').add_subparsers(dest='action', required=True)
    create = user.add_parser('create', help='create an account')
    create.add_argument('--email', required=True)
    create.add_argument('--name', required=True)
    create.add_argument('--password', help='asked for when omitted (or HEARTH_PASSWORD)')
    create.add_argument('--admin', action='store_true', help='make this account an administrator')
    create.add_argument('--quota-gb', type=float, help='storage quota in GB (default: none)')
    importer = commands.add_parser('import', help="import a folder (recursively) into a member's library")
    importer.add_argument('--user', required=True, help='email of the member who will own the photos')
    importer.add_argument('folder')
    worker = commands.add_parser(
        'worker', help='run background jobs beside the web app, e.g. more face workers on another machine'
    )
    worker.add_argument('--queue', action='append', help='only this queue (repeat; default: every queue)')
    worker.add_argument('--faces', type=int, help='face worker processes (HEARTH_FACE_WORKERS, default 2)')
    people = commands.add_parser('people', help="repair members' and spaces' people")
    people.add_subparsers(dest='action', required=True).add_parser(
        'rebuild',
        help='group the faces of every library and space into people afresh, keeping what members named and '
        'confirmed (the weekly full regroup, now); beside a running web app only with HEARTH_CHROMA_URL',
    )
    models = commands.add_parser('models', help='optional models an administrator installs')
    model_actions = models.add_subparsers(dest='action', required=True)
    install = model_actions.add_parser(
        'install',
        help='install a CLIP model (ONNX) for search by what photos look like, from a folder, a .zip or .tar of one, '
        'or an http(s) URL of an archive (downloaded now); every photo is then queued to be embedded with it',
    )
    install.add_argument('kind', choices=['clip'])
    install.add_argument('source')
    model_actions.add_parser('status', help='which optional models are installed, and how far their jobs are')
    backup = commands.add_parser(
        'backup',
        help='copy the database, photos, renditions and vectors into a folder, safely while Hearth runs; into the same '
        'folder again, only what changed is copied (docs/backup.md)',
    )
    backup.add_argument('destination')
    restore = commands.add_parser(
        'restore', help='restore a backup into an empty data folder (and, for PostgreSQL, an empty database)'
    )
    restore.add_argument('source')
    check = commands.add_parser(
        'check',
        help='check the data folder: photos against their files, files without photos, faces without vectors; '
        'exit code 1 when something is wrong (run it with the web app stopped, unless vectors are in a Chroma server)',
    )
    check.add_argument(
        '--repair',
        action='store_true',
        help='queue missing renditions and face searches again, remove files without photos older than an hour; '
        'never deletes a photo',
    )
    return parser


async def _create_user(settings: Settings, args: argparse.Namespace) -> None:
    from domain.errors import HearthError
    from services import accounts

    password = args.password or _ask_password()
    quota = int(args.quota_gb * 1024**3) if args.quota_gb is not None else None
    async with _running(settings) as hearth:
        try:
            actor = await accounts.create_user(hearth, None, args.email, args.name, password, args.admin, quota)
        except HearthError as error:
            sys.exit(f'error: {error}')
    print(f'Created {"administrator" if actor.is_admin else "member"} {actor.name} <{actor.email}>')


def _ask_password() -> str:
    import os

    if password := os.environ.get('HEARTH_PASSWORD'):
        return password
    if not sys.stdin.isatty():
        sys.exit('error: give --password or HEARTH_PASSWORD when not running in a terminal')
    first, second = getpass.getpass('Password: '), getpass.getpass('Repeat password: ')
    if first != second:
        sys.exit('error: the passwords differ')
    return first


async def _import(settings: Settings, email: str, folder: Path) -> int:
    from services.importer import import_folder

    async with _running(settings) as hearth:
        return await import_folder(hearth, email, folder)


async def _work(settings: Settings, queues: list[str] | None, faces: int | None) -> None:
    """Claim and run jobs until SIGINT or SIGTERM, beside the web app's own runner: several runners share one
    database safely (on PostgreSQL; give Chroma by HEARTH_CHROMA_URL so every machine sees the same vectors)."""
    import signal

    from domain.errors import InvalidInput
    from domain.jobs import Queue, parse_queue
    from services.pipeline import DEFAULT_CONCURRENCY, JobRunner, ml_concurrency
    from services.steps import STEPS

    try:
        chosen = {parse_queue(name) for name in queues} if queues else set(Queue)
    except InvalidInput as error:
        sys.exit(f'error: {error}')
    slots = {**DEFAULT_CONCURRENCY, **ml_concurrency(settings)}
    slots[Queue.FACES] = slots[Queue.FACES] if faces is None else faces
    async with _running(settings) as hearth:
        runner = JobRunner(hearth, STEPS, {queue: slots[queue] if queue in chosen else 0 for queue in Queue})
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        runner.start()
        print(f'Working on {", ".join(sorted(chosen))}; stop with Ctrl+C', file=sys.stderr, flush=True)
        await stop.wait()
        await runner.stop()
    print('Stopped', file=sys.stderr)


async def _rebuild_people(settings: Settings) -> None:
    from services.grouping import regroup_everything

    def report(done: int, total: int, label: str) -> None:
        print(f'[{done}/{total}] regrouped {label}', flush=True)

    async with _running(settings) as hearth:
        rebuilt = await regroup_everything(hearth, report)
    print(
        f'Regrouped libraries {rebuilt.libraries}, spaces {rebuilt.spaces}: '
        f'people {rebuilt.people}, of them named {rebuilt.named}.'
    )


async def _install_model(settings: Settings, source: str) -> None:
    from ml.clip import InstallError
    from services import clip_search

    async with _running(settings) as hearth:
        try:
            model = await clip_search.install(hearth, source)
        except InstallError as error:
            sys.exit(f'error: {error}')
    print(f'Installed CLIP model {model.version} ({model.spec.dimensions} dimensions); every photo is queued')


async def _model_status(settings: Settings) -> None:
    from services import clip_search

    async with _running(settings) as hearth:
        status = await clip_search.status(hearth)
    if status is None:
        print('CLIP: not installed (main.py models install clip <folder, archive or URL>)')
    else:
        print(f'CLIP: {status.version} ({status.dimensions} dimensions), embedded {status.embedded} of {status.photos}')


async def _back_up(settings: Settings, destination: Path) -> int:
    from services.backup import back_up
    from storage.backup import BackupError

    try:
        done = await back_up(settings, destination)
    except BackupError as error:
        sys.exit(f'error: {error}')
    counts = done.manifest.counts
    print(
        f'Backed up {counts["assets"]} photos, {counts["people"]} people, {counts["albums"]} albums '
        f'into {destination}: '
        f'copied {done.copied} files ({_megabytes(done.copied_bytes)}), unchanged {done.unchanged}, '
        f'set aside {done.set_aside} deleted since the last backup.',
        file=sys.stderr,
    )
    if done.vanished:
        print(
            f'  {done.vanished} files were deleted while the backup ran (of photos deleted meanwhile)', file=sys.stderr
        )
    if not done.vectors_settled:
        print(
            '  The vectors kept changing while they were copied: after a restore, `main.py check --repair` finds and '
            'searches again faces whose vector is missing',
            file=sys.stderr,
        )
    return 0


async def _restore(settings: Settings, source: Path) -> None:
    from domain.errors import HearthError
    from services.backup import restore
    from storage.backup import BackupError

    try:
        done = await restore(settings, source)
    except (BackupError, HearthError) as error:
        sys.exit(f'error: {error}')
    print(
        f'Restored the backup of {done.manifest.created:%Y-%m-%d %H:%M} UTC into {settings.data_dir}: '
        f'{done.manifest.counts.get("assets", 0)} photos, {done.restored_files} files '
        f'({_megabytes(done.restored_bytes)}); database at revision {done.revision}. '
        'Check it with `main.py check`.',
        file=sys.stderr,
    )


async def _check(settings: Settings, repair: bool) -> int:
    from domain.backup import PROBLEMS
    from services.backup import check

    async with _running(settings) as hearth:
        report = await check(hearth, repair)
    looked = report.looked_at
    print(f'Looked at {looked["photos"]} photos, {looked["files"]} files, {looked["faces"]} faces.', file=sys.stderr)
    for kind, problem in report.problems.items():
        if problem.count:
            print(f'  {PROBLEMS[kind]}: {problem.count} (first: {", ".join(problem.first)})', file=sys.stderr)
    if report.offline.count:
        print(
            f'  offline (external library drive not reachable, not an error): {report.offline.count}', file=sys.stderr
        )
    if report.repaired:
        print('Repaired: ' + ', '.join(f'{what} {count}' for what, count in report.repaired.items()), file=sys.stderr)
    found = sum(problem.count for problem in report.problems.values())
    print('All well.' if report.clean else f'Found {found} problems.', file=sys.stderr)
    return 0 if report.clean else 1


def _megabytes(size: int) -> str:
    return f'{size / 1024**2:,.1f} MB'


class _running:
    """A started Hearth for the length of one command."""

    def __init__(self, settings: Settings):
        from services.runtime import Hearth

        self.hearth = Hearth.create(settings)

    async def __aenter__(self):
        await self.hearth.start()
        return self.hearth

    async def __aexit__(self, *exc) -> None:
        await self.hearth.stop()
