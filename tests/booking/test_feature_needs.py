"""A clinic file's needs against what a deployment has (docs/features.md): a feature whose
libraries are not installed names the extra to install; one installed but not run names
LEDIG_FEATURES."""

from __future__ import annotations

from booking.features import refusals
from booking.model import Need

NEEDS = (Need("login", 96, "patient_login"),)


def test_a_feature_not_installed_names_its_extra():
    assert refusals("c.yaml", NEEDS, frozenset(), frozenset()) == [
        ("c.yaml", 96, "patient_login", "needs the feature login, whose libraries are not "
         "installed: pip install 'ledig[login]', then add it to LEDIG_FEATURES "
         "(docs/features.md).")]


def test_a_feature_installed_but_not_run_names_the_setting():
    assert refusals("c.yaml", NEEDS, frozenset(), frozenset({"login"})) == [
        ("c.yaml", 96, "patient_login", "needs the feature login, which this deployment does "
         "not run: add it to LEDIG_FEATURES (docs/features.md).")]


def test_a_feature_run_is_no_refusal():
    assert refusals("c.yaml", NEEDS, frozenset({"login"}), frozenset({"login"})) == []
