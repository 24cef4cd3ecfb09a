import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_migrations_are_in_step_with_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_fresh_database_knows_ale(ale):
    assert ale.code == "ALE"
    assert sum(m.uio for m in ale.covered_models.all()) == 138_869
