from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from branches.periods import Quarter
from scoring.exporters import QuarterScoresExporter
from scoring.selectors import latest_snapshot


class Command(BaseCommand):
    help = "Export a quarter's ranking (latest published, else latest draft; or --version) to .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--out", required=True, help="file ending in .xlsx or .csv")
        parser.add_argument("--snapshot-version", type=int, dest="snapshot_version", help="a particular snapshot version")

    def handle(self, *args, quarter, out, snapshot_version=None, **options):
        try:
            q = Quarter.parse(quarter)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        path = Path(out)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("--out must end in .xlsx or .csv")
        if snapshot_version:
            from scoring.selectors import snapshots_of

            snapshot = snapshots_of(quarter=q).filter(version=snapshot_version).first()
        else:
            snapshot = latest_snapshot(quarter=q, published_only=True) or latest_snapshot(quarter=q)
        if snapshot is None:
            raise CommandError(f"{q} has no compiled ranking; run compile_rankings --quarter {q} first")
        exporter = QuarterScoresExporter(snapshot)
        with path.open("wb") as fh:
            if path.suffix.lower() == ".xlsx":
                exporter.write_xlsx(fh)
            else:
                exporter.write_csv(fh)
        self.stdout.write(self.style.SUCCESS(f"{q} v{snapshot.version} ({snapshot.get_status_display()}) -> {path}"))
