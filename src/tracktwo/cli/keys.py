"""``tracktwo keys``: the master key of a data folder."""

from __future__ import annotations

import typer

from tracktwo.cli.common import DEFAULT, DatabaseUrl, DataDir, folder
from tracktwo.cli.output import console
from tracktwo.services.setup import rotate_keys

keys_app = typer.Typer(help="The master key of a data folder.", no_args_is_help=True)


@keys_app.command("rotate")
def rotate(data_dir: DataDir = DEFAULT, database_url: DatabaseUrl = None) -> None:
    """Re-wrap every data key under a new master key; the old master key then opens nothing.

    Back up the keys folder again afterwards: a copy of the old master key opens only the
    backups of the keys folder taken before the rotation.
    """
    with folder(data_dir, database_url) as store:
        count = rotate_keys(store)
    console.print(f"master key rotated: {count} data keys re-wrapped under the new one")
