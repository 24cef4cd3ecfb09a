import pytest
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from campaign.models import Campaign, CampaignPhaseChange, CoveredModel, VinRange
from tests.conftest import ALE_FILE

ALE_UIO = 138_869


@pytest.mark.django_db
def test_migrations_are_in_step_with_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def ale_as_stored(using: str = "default") -> dict:
    """ALE's campaign row, VIN table and first phase change, as plain values."""
    campaign = Campaign.objects.using(using).get(code="ALE")
    covered = CoveredModel.objects.using(using).filter(campaign=campaign).order_by("position")
    return {
        "fields": {
            f.name: getattr(campaign, f.name)
            for f in Campaign._meta.concrete_fields
            if f.name not in ("id", "code", "data_updated_at", "updated_at", "affected_list_posted_at")
        },
        "covered": [
            (
                cm.model_label,
                cm.model_year,
                cm.uio,
                [
                    (r.wmi, r.vds, r.serial_from, r.serial_to)
                    for r in VinRange.objects.using(using).filter(covered_model=cm).order_by("position")
                ],
            )
            for cm in covered
        ],
        "phase_changes": list(
            CampaignPhaseChange.objects.using(using)
            .filter(campaign=campaign)
            .values_list("from_phase", "to_phase", "note")
        ),
    }


# Not transactional, and without the `ale` fixture (which would load ALE itself): pytest-django
# runs these before any transactional test flushes the database, so what is read here is what
# the migrations wrote when the test database was built.
@pytest.mark.django_db
def test_fresh_database_knows_ale():
    from campaign.definition import parse

    stored = ale_as_stored()
    assert sum(uio for _, _, uio, _ in stored["covered"]) == ALE_UIO
    assert len(stored["covered"]) == 13
    assert sum(len(ranges) for *_, ranges in stored["covered"]) == 18
    assert stored["phase_changes"] == [("", "preliminary", "Campaign loaded")]
    # The migrations' frozen loaders agree with today's parser on every column it reads.
    definition = parse(ALE_FILE.read_text(encoding="utf-8"))
    assert {name: stored["fields"][name] for name in definition.fields} == definition.fields
    assert stored["covered"] == [
        (
            cm.model_label,
            cm.model_year,
            cm.uio,
            [(r.wmi, r.vds, r.serial_from, r.serial_to) for r in cm.ranges],
        )
        for cm in definition.covered_models
    ]


@pytest.fixture
def fresh_sqlite(django_db_blocker, tmp_path):
    """An empty SQLite database beside the test one, migrated by the test itself.

    Outside pytest-django's test case (no ``db``), which would refuse a connection it was
    not told of; the test never touches the default database.
    """
    alias = "fresh_migrate"
    configured = connections.configure_settings(
        {
            "default": connections.settings["default"],
            alias: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "fresh.sqlite3")},
        }
    )
    connections.settings[alias] = configured[alias]
    try:
        with django_db_blocker.unblock():
            yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def test_migration_0002_does_not_use_the_live_loader(fresh_sqlite, monkeypatch):
    import campaign.definition
    import campaign.services

    def refuse(**kwargs):
        raise AssertionError("migration 0002 called live code")

    monkeypatch.setattr(campaign.services, "campaign_load", refuse)
    monkeypatch.setattr(campaign.definition, "parse", refuse)

    # Every migration, to the end: the stored rows are then read with today's models.
    executor = MigrationExecutor(fresh_sqlite)
    executor.migrate(executor.loader.graph.leaf_nodes())

    stored = ale_as_stored(fresh_sqlite.alias)
    assert sum(uio for _, _, uio, _ in stored["covered"]) == ALE_UIO
    assert stored["phase_changes"] == [("", "preliminary", "Campaign loaded")]
