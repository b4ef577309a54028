"""Fixtures of negsim's Python tests: the CLI built beside the module, the
source tree, and a helper to run the CLI."""

import json
import os
import subprocess

import pytest

SOURCE = os.environ.get("NEGSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT = os.path.join(SOURCE, "scenarios", "muscat-2025.yaml")


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("NEGSIM_CLI")
    if not path or not os.path.exists(path):
        pytest.fail("NEGSIM_CLI must name the negsim executable (ctest sets it)")
    return path


@pytest.fixture(scope="session")
def source():
    return SOURCE


@pytest.fixture(scope="session")
def default_path():
    return DEFAULT


def run_cli(cli, *args, check=True):
    done = subprocess.run([cli, *args], capture_output=True, text=True, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"negsim {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
