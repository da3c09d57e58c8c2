"""The user's cache of parsed data files: what it loads cannot run code."""

import os
import pickle

from conftest import run


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_cache_file_runs_nothing(tmp_path, norfolk):
    folder = tmp_path / "cache" / "dhr"
    files = sorted(folder.glob("*.pickle"))
    assert files, "the cache was not written"
    marker = tmp_path / "pwned"
    for path in files:
        path.write_bytes(pickle.dumps(_Evil(marker)))
    result = run("search", "DVDS", "--json")
    assert result.exit_code == 0 and '"number"' in result.stdout
    assert not marker.exists()
