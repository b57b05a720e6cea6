"""What both end-to-end scripts do before importing anything generated: read
--stubs, check that the Python stubs generated from protos/ are there, and put
them first on sys.path."""

import argparse
import os
import sys


def load_stubs(script, description, probe):
    """Parses --stubs and leaves every other argument for unittest (returned).

    Exits with 2 when `probe` (a path inside the stubs, e.g.
    ("kam", "account", "v1", "account_pb2.py")) is missing.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--stubs", required=True,
                        help="folder holding the generated Python stubs (kam/, grpc_health/, ...)")
    args, unittest_argv = parser.parse_known_args()
    if not os.path.isfile(os.path.join(args.stubs, *probe)):
        print(f"{script}: no generated stubs in {args.stubs} (build target kam_python_stubs)",
              file=sys.stderr)
        sys.exit(2)
    # The generated stubs come first: nothing installed may shadow them.
    sys.path.insert(0, os.path.abspath(args.stubs))
    return unittest_argv
