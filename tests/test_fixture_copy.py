"""The repository's copy of the public fixtures (used only without ../shared) must stay
identical to them."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURE_COPY, SHARED_BESIDE


@pytest.mark.skipif(not SHARED_BESIDE.is_dir(), reason="../shared/data is not beside the "
                    "repository here: nothing to compare the copy with")
def test_the_fixture_copy_is_identical_to_the_public_fixtures() -> None:
    originals = {path.name: path.read_bytes() for path in SHARED_BESIDE.glob("*.csv")}
    copies = {path.name: path.read_bytes() for path in FIXTURE_COPY.glob("*.csv")}
    assert copies == originals
