"""SnapshotItemScore.evidence becomes evidence_data (same column): it now holds either the labelled refs or
{"source": key, **scope} from which the model's `evidence` property lists the records. No data changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RenameField(model_name="snapshotitemscore", old_name="evidence", new_name="evidence_data"),
                migrations.AlterField(
                    model_name="snapshotitemscore",
                    name="evidence_data",
                    field=models.JSONField(blank=True, db_column="evidence", default=list, verbose_name="依据记录"),
                ),
            ],
        ),
    ]
