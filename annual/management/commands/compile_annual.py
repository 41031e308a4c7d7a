from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annual.services import compile_year


class Command(BaseCommand):
    help = "Compile a year's annual branch assessment (年度考核) into a new draft version."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int, help="e.g. 2026")

    def handle(self, *args, year, **options):
        try:
            snapshot = compile_year(year=year)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        self.stdout.write(self.style.SUCCESS(
            f"{year} v{snapshot.version} ({snapshot.get_status_display()}): {snapshot.entries.count()} branches, "
            f"rubric {snapshot.rubric_label}"))
