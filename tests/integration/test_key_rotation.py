"""`tracktwo keys rotate`: every workshop stays readable; the old master key opens nothing."""

from __future__ import annotations

import base64
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from tracktwo.cli.app import app
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.errors import ConfidentialityError
from tracktwo.services import conflicts, recruitment
from tracktwo.services.setup import initialise, open_data
from tracktwo.services.transaction import run
from tracktwo.store.keys import KeyStore

OPERATOR = Actor.operator()


def test_rotation_keeps_every_workshop_readable_and_voids_the_old_master_key(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    store = initialise(folder)
    ids = build_demo(store, seed=7)
    names = {
        w: [m.name for m in run(store, recruitment.members, OPERATOR, w, reveal=True)]
        for w in (ids.first_workshop, ids.next_workshop)
    }
    context = run(store, conflicts.conflict_profile, OPERATOR, ids.conflict).context
    store.dispose()
    keys = folder / "keys"
    old_master = (keys / "master.key").read_bytes()
    old_wrapped = {p: p.read_bytes() for p in keys.rglob("*.key") if p.name != "master.key"}

    result = CliRunner().invoke(app, ["keys", "rotate", "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{len(old_wrapped)} data keys" in result.output
    assert (keys / "master.key").read_bytes() != old_master
    assert (keys / "master.key").stat().st_mode & 0o777 == 0o600

    store = open_data(folder)
    for workshop, before in names.items():
        after = [m.name for m in run(store, recruitment.members, OPERATOR, workshop, reveal=True)]
        assert after == before
    assert run(store, conflicts.conflict_profile, OPERATOR, ids.conflict).context == context
    store.dispose()

    # The old master key opens none of the new wrapped keys.
    stale = KeyStore(keys, base64.b64decode(old_master))
    for path in old_wrapped:
        assert path.read_bytes() != old_wrapped[path]
        with pytest.raises(ConfidentialityError):
            stale.workshop_key(UUID(path.stem))
