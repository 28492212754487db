"""Field encryption: AES-GCM bound to its row, keys wrapped by the master key."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracktwo.errors import ConfidentialityError, ConfigurationError
from tracktwo.store.keys import FieldCipher, KeyStore

CIPHER = FieldCipher(os.urandom(32))


@given(st.text(max_size=300), st.text(min_size=1, max_size=40))
def test_a_sealed_field_opens_to_its_plaintext_in_its_own_context(text: str, context: str) -> None:
    token = CIPHER.encrypt(text, context)
    assert CIPHER.decrypt(token, context) == text
    if len(text.encode()) >= 12:  # shorter byte strings can occur in random bytes by chance
        assert text.encode() not in token


def test_a_sealed_field_copied_to_another_row_does_not_open() -> None:
    token = CIPHER.encrypt("Arel Varkosi", "candidates.name:1")
    with pytest.raises(ConfidentialityError):
        CIPHER.decrypt(token, "candidates.name:2")


def test_the_same_plaintext_seals_differently_each_time() -> None:
    assert CIPHER.encrypt("same", "c") != CIPHER.encrypt("same", "c")


def test_pseudonyms_are_stable_per_key_and_differ_across_keys() -> None:
    other = FieldCipher(os.urandom(32))
    assert CIPHER.pseudonym("survey", "m1") == CIPHER.pseudonym("survey", "m1")
    assert CIPHER.pseudonym("survey", "m1") != CIPHER.pseudonym("survey", "m2")
    assert CIPHER.pseudonym("survey", "m1") != other.pseudonym("survey", "m1")


def test_a_key_store_refuses_to_replace_a_master_key(tmp_path: Path) -> None:
    KeyStore.create(tmp_path / "keys")
    with pytest.raises(ConfigurationError, match="refusing to replace"):
        KeyStore.create(tmp_path / "keys")


def test_a_master_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    KeyStore.create(tmp_path / "keys")
    (tmp_path / "keys" / "master.key").chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        KeyStore.open(tmp_path / "keys")


def test_a_workshop_key_round_trips_and_is_gone_once_destroyed(tmp_path: Path) -> None:
    keys = KeyStore.create(tmp_path / "keys")
    workshop = uuid4()
    made = keys.create_workshop_key(workshop)
    reopened = KeyStore.open(tmp_path / "keys")
    assert reopened.workshop_key(workshop) == made
    reopened.destroy_workshop_key(workshop)
    with pytest.raises(ConfidentialityError, match="does not exist"):
        KeyStore.open(tmp_path / "keys").workshop_key(workshop)


def test_the_master_key_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKTWO_MASTER_KEY", base64.b64encode(b"k" * 32).decode())
    keys = KeyStore.open(tmp_path / "nothing-here")
    workshop = uuid4()
    assert keys.create_workshop_key(workshop) == keys.workshop_key(workshop)
    monkeypatch.setenv("TRACKTWO_MASTER_KEY", "short")
    with pytest.raises(ConfigurationError):
        KeyStore.open(tmp_path / "nothing-here")
