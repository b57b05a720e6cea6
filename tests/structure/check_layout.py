#!/usr/bin/python3
"""Checks the rules of docs/architecture.md that a reader relies on:

- no production .cc/.h under common/ or services/ is over 700 lines;
- no folder holds more than 30 files;
- who may include whom: common/ includes nothing of services/, tests/ or
  bench/; common/base and common/api do no I/O (no MySQL, no gRPC server);
  a service never includes another service's code; only MySQL store files
  (mysql_*), common/db, the test harness and the benchmarks include
  Connector/C++; production code never includes a fake or a test;
- nothing in the repository points at files outside it, and every path of
  the repository that a document or a comment names exists.

Usage: check_layout.py <repository root>. Exit 0 when every rule holds,
1 with one line per violation otherwise.
"""
import os
import re
import subprocess
import sys

MAX_LINES = 700
MAX_FILES_PER_FOLDER = 30
INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^>"]+)[>"]', re.M)
MYSQL_HEADERS = ("cppconn/", "mysql_driver.h", "mysql_connection.h")


def tracked_files(root):
    """The repository's files: git's list, or (outside a checkout) every file
    but the build, the local suite's data and version control."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode()
        return [f for f in out.split("\0") if f and os.path.exists(os.path.join(root, f))]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in (".git", "build", ".kam", "node_modules")]
            files += [os.path.relpath(os.path.join(folder, n), root) for n in names]
        return files


def is_test_code(path):
    name = os.path.basename(path)
    return (name.endswith("_test.cc") or name.startswith("fake_") or "_testing" in name
            or name.startswith("handler_test") or name.endswith("_test_checks.h")
            or path.startswith(("tests/", "bench/")))


def service_of(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "services" else None


def check(root):
    problems = []
    files = tracked_files(root)
    folders = {}
    for path in files:
        folders.setdefault(os.path.dirname(path), []).append(path)
    for folder, members in sorted(folders.items()):
        if len(members) > MAX_FILES_PER_FOLDER:
            problems.append(f"{folder or '.'}/ holds {len(members)} files "
                            f"(at most {MAX_FILES_PER_FOLDER})")

    for path in files:
        if not path.endswith((".cc", ".h")):
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = text.count("\n")
        if (path.startswith(("common/", "services/")) and not is_test_code(path)
                and lines > MAX_LINES):
            problems.append(f"{path} has {lines} lines (at most {MAX_LINES})")
        for include in INCLUDE.findall(text):
            problem = include_problem(path, include)
            if problem:
                problems.append(f"{path} includes {include}: {problem}")

    outside = re.compile(r"\.\./shared/|/work/|shared/domain\.md|shared/architecture\.md")
    named = re.compile(r"(?<![\w/.])((?:bench|cmake|common|deploy|docs|protos|services|tests)/"
                       r"[\w./-]+\.(?:cc|h|md|proto|py|sh|sql|txt|yaml|cmake))\b")
    existing = set(files)
    for path in files:
        if path.startswith("tests/structure/"):
            continue
        try:
            with open(os.path.join(root, path), encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    if outside.search(line):
                        problems.append(f"{path}:{number} points outside the repository")
                    for name in named.findall(line):
                        if name not in existing:
                            problems.append(f"{path}:{number} names {name}, which does not exist")
        except UnicodeDecodeError:
            continue
    return problems


def include_problem(path, include):
    name = os.path.basename(path)
    if path.startswith("common/"):
        if include.startswith(("services/", "tests/", "bench/")):
            return "common/ serves the services and knows none of them"
        if path.startswith(("common/base/", "common/api/")):
            if include.startswith(("common/db/", "common/server/")) or include.startswith(
                    MYSQL_HEADERS) or include.startswith("grpcpp/"):
                return "common/base and common/api do no I/O"
    service = service_of(path)
    if service and include.startswith("services/") and service_of(include) != service:
        return "a service talks to another only through its gRPC API"
    if include.startswith(MYSQL_HEADERS):
        mysql_ok = (path.startswith(("common/db/", "tests/", "bench/")) or name.startswith("mysql_")
                    or name.endswith("store_sql.h") or name.endswith("store_sql.cc"))
        if not mysql_ok:
            return "only MySQL store files (mysql_*) speak to Connector/C++"
    if not is_test_code(path):
        base = os.path.basename(include)
        if base.startswith("fake_") or base.endswith("_test.cc"):
            return "production code never includes a fake or a test"
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layout rule(s) broken; see docs/architecture.md")
        return 1
    print("layout rules hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
