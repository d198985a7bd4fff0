"""The connector driven end to end by PyAirbyte, as Python users run Airbyte connectors.

Usage: python test_pyairbyte.py CONFIG_JSON

CONFIG_JSON is the config that tests/pyairbyte/simulator.ts wrote; `expected.json` beside it holds
what the simulator serves and the URL of its control server, which counts the requests the
simulator received. The test runs `check`, reads every stream into PyAirbyte's default DuckDB
cache (in a temporary directory), checks row counts, a few values and that no primary key is
duplicated, then reads again into the same cache: that read resumes from the state PyAirbyte
kept, so it must cost fewer requests and still leave no duplicate rows.

Plain asserts; exit status 0 when every check passed. PyAirbyte runs offline: no registry fetch,
no telemetry. With PYAIRBYTE_TEST_WORKDIR set, the cache and PyAirbyte's logs (among them the
connector's) go to that directory and are kept, instead of a temporary directory.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXECUTABLE = HERE / "source-linkedin-pages"


def request_counts(control_url: str) -> dict:
    """The simulator's request counts so far: {"total": n, "byEndpoint": {name: n}}."""
    with urllib.request.urlopen(f"{control_url}/requests", timeout=10) as response:
        return json.load(response)


def difference(after: dict, before: dict) -> dict:
    """The requests between two counts, in all and per endpoint (endpoints with none left out)."""
    endpoints = set(after["byEndpoint"]) | set(before["byEndpoint"])
    by_endpoint = {
        name: after["byEndpoint"].get(name, 0) - before["byEndpoint"].get(name, 0)
        for name in sorted(endpoints)
    }
    return {
        "total": after["total"] - before["total"],
        "byEndpoint": {name: n for name, n in by_endpoint.items() if n},
    }


def table_of(cache, stream: str) -> str:
    """The stream's table in the cache, schema-qualified and quoted."""
    table = cache[stream].to_sql_table()
    return f'"{cache.schema_name}"."{table.name}"'


def key_columns(source, stream: str) -> list[str]:
    """The stream's primary key as cache column names (PyAirbyte lower-cases them)."""
    [keys] = [
        s.source_defined_primary_key for s in source.discovered_catalog.streams if s.name == stream
    ]
    assert keys, f"{stream} has no primary key"
    assert all(len(path) == 1 for path in keys), f"{stream}: nested key {keys}"
    return [path[0].lower() for path in keys]


def rows_and_keys(cache, source, stream: str) -> tuple[int, int]:
    """The stream's number of rows in the cache and of distinct primary keys among them."""
    table = table_of(cache, stream)
    columns = ", ".join(f'"{column}"' for column in key_columns(source, stream))
    [row] = cache.run_sql_query(
        f"SELECT (SELECT COUNT(*) FROM {table}) AS n_rows,"
        f" (SELECT COUNT(*) FROM (SELECT DISTINCT {columns} FROM {table})) AS n_keys"
    )
    return row["n_rows"], row["n_keys"]


def utc_day() -> str:
    """Today's UTC date, `YYYY-MM-DD`."""
    return time.strftime("%Y-%m-%d", time.gmtime())


def timed(label: str, function):
    """Calls `function`, prints how long it took, and returns its result."""
    started = time.monotonic()
    result = function()
    print(f"{label}: {time.monotonic() - started:.1f}s", flush=True)
    return result


def run(config_path: Path, workdir: Path) -> None:
    # Google's client libraries, which PyAirbyte imports, warn about Python 3.11's end of life.
    warnings.filterwarnings(
        "ignore", message="You are using a Python version", category=FutureWarning
    )
    # PyAirbyte reads these when imported: offline (no registry, no telemetry), and its project
    # dir, default cache and logs in the temporary directory.
    os.environ["AIRBYTE_OFFLINE_MODE"] = "1"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["AIRBYTE_PROJECT_DIR"] = str(workdir)
    os.environ["AIRBYTE_CACHE_ROOT"] = str(workdir / ".cache")
    os.environ["AIRBYTE_LOGGING_ROOT"] = str(workdir / "logs")
    import airbyte as ab
    from airbyte.version import get_version

    print(f"PyAirbyte {get_version()}", flush=True)
    config = json.loads(config_path.read_text(encoding="utf-8"))
    expected = json.loads((config_path.parent / "expected.json").read_text(encoding="utf-8"))
    control = expected["control_url"]
    organizations = expected["organizations"]
    streams = expected["streams"]

    source = ab.get_source(
        "source-linkedin-pages",
        local_executable=EXECUTABLE,
        config=config,
    )
    timed("check", source.check)
    assert source.get_available_streams() == streams, source.get_available_streams()
    source.select_all_streams()

    cache = ab.get_default_cache()
    assert Path(cache.db_path).is_relative_to(workdir), cache.db_path

    # First read: everything, from no state.
    state_day = utc_day()  # the UTC day on which the read that saved the state began
    before = request_counts(control)
    first = timed("first read", lambda: source.read(cache=cache))
    first_requests = difference(request_counts(control), before)
    print(f"first read: {first.processed_records} records, {first_requests}", flush=True)

    counts = {stream: len(cache[stream]) for stream in streams}
    print(f"rows: {counts}", flush=True)
    for stream in streams:
        assert counts[stream] > 0, f"{stream}: no rows"
    assert counts["organization_lookup"] == len(organizations), counts["organization_lookup"]
    assert counts["total_follower_count"] == len(organizations), counts["total_follower_count"]
    post_count = sum(org["post_count"] for org in organizations)
    assert counts["ugc_posts"] == post_count, (counts["ugc_posts"], post_count)

    lookup = {str(row["organizationid"]): row for row in cache["organization_lookup"]}
    for org in organizations:
        row = lookup[org["id"]]
        assert row["localizedname"] == org["name"], row["localizedname"]
        assert str(row["id"]) == org["id"], row["id"]
        assert row["vanityname"] == org["vanity_name"], row["vanityname"]
    followers = {str(row["organizationid"]): row for row in cache["total_follower_count"]}
    for org in organizations:
        size = followers[org["id"]]["firstdegreesize"]
        assert isinstance(size, int) and not isinstance(size, bool), repr(size)
        assert size == org["follower_count"], (size, org["follower_count"])
    ugc_orgs = cache.run_sql_query(
        f'SELECT "organizationid" AS org, COUNT(*) AS n FROM {table_of(cache, "ugc_posts")}'
        " GROUP BY 1"
    )
    assert {str(r["org"]): r["n"] for r in ugc_orgs} == {
        org["id"]: org["post_count"] for org in organizations
    }, ugc_orgs

    for stream in streams:
        n_rows, n_keys = rows_and_keys(cache, source, stream)
        assert n_rows == n_keys, f"{stream}: {n_rows} rows but {n_keys} distinct keys"

    # The state PyAirbyte kept: at least each incremental stream's (the connector also ends each
    # full-refresh stream with a no-cursor state, which PyAirbyte keeps too).
    state = cache.get_state_provider("source-linkedin-pages")
    kept = sorted(state.known_stream_names)
    print(f"state kept for: {kept}", flush=True)
    incremental = [
        s.name
        for s in source.discovered_catalog.streams
        if "incremental" in [m.value for m in s.supported_sync_modes]
    ]
    assert set(incremental) <= set(kept), (incremental, kept)

    # Second read into the same cache: resumes from that state. Once 00:00 UTC has passed since the
    # read that saved it began, the newest finished day is one more, which a resumed read rightly
    # asks for; then it reads once more, resuming from a state of the same UTC day.
    for _ in range(3):
        started_day = utc_day()
        before = request_counts(control)
        second = timed("second read", lambda: source.read(cache=cache))
        second_requests = difference(request_counts(control), before)
        print(f"second read: {second.processed_records} records, {second_requests}", flush=True)
        if utc_day() == state_day:
            break
        print("00:00 UTC passed since the state was saved: reading again", flush=True)
        state_day = started_day
    else:
        raise AssertionError("every resumed read crossed 00:00 UTC")
    assert second_requests["total"] < first_requests["total"], (second_requests, first_requests)
    # With lookback_days 0 (see simulator.ts) the saved cursors leave no window to request: no
    # video analytics, and of each statistics endpoint only the lifetime stream's one request per
    # organization, the time-bound stream's window being empty.
    requested = second_requests["byEndpoint"]
    assert requested.get("videoAnalytics", 0) == 0, requested
    for endpoint in ("followerStatistics", "pageStatistics", "shareStatistics"):
        assert first_requests["byEndpoint"][endpoint] == 2 * len(organizations), first_requests
        assert requested.get(endpoint, 0) == len(organizations), (endpoint, requested)
    assert second.processed_records < first.processed_records, (
        second.processed_records,
        first.processed_records,
    )

    again = {stream: len(cache[stream]) for stream in streams}
    print(f"rows after the second read: {again}", flush=True)
    assert again["ugc_posts"] == post_count, again["ugc_posts"]
    assert again["organization_lookup"] == len(organizations), again["organization_lookup"]
    for stream in streams:
        assert again[stream] >= counts[stream], f"{stream}: {counts[stream]} -> {again[stream]}"
        n_rows, n_keys = rows_and_keys(cache, source, stream)
        assert n_rows == n_keys, f"{stream} after the second read: {n_rows} rows, {n_keys} keys"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    config_path = Path(argv[1]).resolve()
    keep = os.environ.get("PYAIRBYTE_TEST_WORKDIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        run(config_path, Path(keep).resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="pyairbyte-test-") as workdir:
            run(config_path, Path(workdir))
    print("PyAirbyte end-to-end test: all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
