"""The PEMS simulator of a benchmark run, in a process of its own (so that it never shares an
interpreter lock with the client measuring, or the sync being measured).

`python -m pfa_vanguard.bench.sim_process --orgs A,B --records N --seed S --ready A,B` starts
`start_simulator`, generates the `--ready` organizations at once (not during a measurement),
prints one JSON line `{"url", "control_url"}` and serves until its standard input closes.
"""

from __future__ import annotations

import argparse
import json
import sys

from pfa_vanguard.pems.simulator import start_simulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", required=True, help="comma-separated organization codes")
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--ready", default="", help="organizations to generate at once")
    args = parser.parse_args(argv)
    codes = [c for c in args.orgs.split(",") if c]
    with start_simulator(codes, records=args.records, seed=args.seed) as sim:
        for code in filter(None, args.ready.split(",")):
            _ = sim.state.orgs[code].ids
        print(json.dumps({"url": sim.url, "control_url": sim.control_url}), flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin (or dies)


if __name__ == "__main__":
    main()
