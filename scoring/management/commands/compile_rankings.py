from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from branches.periods import Quarter
from scoring.services import compile_quarter


class Command(BaseCommand):
    help = "Compile a quarter's 党建提质杯 ranking into a new snapshot version (draft, or published with --publish)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--publish", action="store_true", help="publish the new version right away")

    def handle(self, *args, quarter, publish, **options):
        try:
            q = Quarter.parse(quarter)
            snapshot = compile_quarter(quarter=q, publish=publish)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        entries = snapshot.entries.count()
        self.stdout.write(self.style.SUCCESS(
            f"{q} v{snapshot.version} ({snapshot.get_status_display()}): {entries} branches, rubric {snapshot.rubric_label}"
        ))
